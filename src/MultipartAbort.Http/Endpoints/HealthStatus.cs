namespace MultipartAbort.Http.Endpoints;

public sealed record HealthStatus(string Status);
