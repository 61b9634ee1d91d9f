using System.Text.Json.Serialization;

namespace MultipartAbort.Adapters.Iam;

/// <summary>Source-generated JSON for IAM's token answers (no reflection under Native AOT).</summary>
[JsonSerializable(typeof(IamTokenResponse))]
internal sealed partial class IamJsonContext : JsonSerializerContext;
