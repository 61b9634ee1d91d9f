using System.Text.Json.Serialization;
using MultipartAbort.Http.Endpoints;

namespace MultipartAbort.Http;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthStatus))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
