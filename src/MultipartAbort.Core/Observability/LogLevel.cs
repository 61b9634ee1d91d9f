namespace MultipartAbort.Core.Observability;

/// <summary>.NET's log levels; their names are what the Powertools schema writes in <c>level</c>.</summary>
public enum LogLevel
{
    Trace,
    Debug,
    Information,
    Warning,
    Error,
    Critical,
    None,
}
