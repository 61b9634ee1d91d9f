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

public static class LogLevels
{
    // As Powertools reads it: .NET or Lambda names, any case; else Information.
    public static LogLevel Parse(string? text) =>
        text?.Trim().ToUpperInvariant() switch
        {
            "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFO" or "INFORMATION" => LogLevel.Information,
            "WARN" or "WARNING" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "FATAL" or "CRITICAL" => LogLevel.Critical,
            "NONE" => LogLevel.None,
            _ => LogLevel.Information,
        };
}
