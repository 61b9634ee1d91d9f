namespace MultipartAbort.Core.Observability;

public sealed record LogContext
{
    public static LogContext Empty { get; } = new();

    public bool ColdStart { get; init; }
    public string? FunctionName { get; init; }
    public int? FunctionMemorySize { get; init; }
    public string? FunctionArn { get; init; }
    public string? FunctionRequestId { get; init; }
    public string? XRayTraceId { get; init; }
}
