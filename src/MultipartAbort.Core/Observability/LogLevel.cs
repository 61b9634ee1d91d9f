namespace MultipartAbort.Core.Observability;

// The names are what the Powertools schema writes in "level".
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
