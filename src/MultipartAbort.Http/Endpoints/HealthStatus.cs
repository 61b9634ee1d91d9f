namespace MultipartAbort.Http.Endpoints;

/// <summary>The body of <c>GET /healthz</c>.</summary>
public sealed record HealthStatus(string Status);
