namespace MultipartAbort.Core.Observability;

/// <summary>Powertools Logging's keys, then this function's (docs/events.md, "Logs and metrics").</summary>
internal static class LogKeys
{
    public const string Level = "level";
    public const string Message = "message";
    public const string Timestamp = "timestamp";
    public const string Service = "service";
    public const string ColdStart = "cold_start";
    public const string FunctionName = "function_name";
    public const string FunctionMemorySize = "function_memory_size";
    public const string FunctionArn = "function_arn";
    public const string FunctionRequestId = "function_request_id";
    public const string XRayTraceId = "xray_trace_id";
    public const string Exception = "exception";

    public const string Bucket = "bucket";
    public const string Key = "key";
    public const string UploadId = "uploadId";
    public const string Attempt = "attempt";
    public const string Outcome = "outcome";
}
