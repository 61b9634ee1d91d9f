using System.Text.Json.Serialization;
using MultipartAbort.Http.Endpoints;

namespace MultipartAbort.Http;

/// <summary>The host's own JSON shapes, source-generated (no reflection under Native AOT), camelCase as the results are.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OpenWhiskActivation))]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
