namespace MultipartAbort.Adapters.Iam;

[JsonSerializable(typeof(IamTokenResponse))]
internal sealed partial class IamJsonContext : JsonSerializerContext;
