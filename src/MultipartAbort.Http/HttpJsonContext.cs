using System.Text.Json.Serialization;
using MultipartAbort.Http.Endpoints;

namespace MultipartAbort.Http;

/// <summary>The host's JSON shapes, source-generated for Native AOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OpenWhiskActivation))]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
