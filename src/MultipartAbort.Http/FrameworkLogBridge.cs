using LogLevel = MultipartAbort.Core.Observability.LogLevel;
using MsLogging = Microsoft.Extensions.Logging;

namespace MultipartAbort.Http;

/// <summary>ASP.NET Core's Warning+ messages as Powertools JSON, so stdout stays one JSON object per line.</summary>
public sealed class FrameworkLogBridge(StructuredLogger log) : MsLogging.ILoggerProvider
{
    public MsLogging.ILogger CreateLogger(string categoryName) => new Bridge(log, categoryName);

    public void Dispose() { }

    private sealed class Bridge(StructuredLogger log, string category) : MsLogging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(MsLogging.LogLevel logLevel) => logLevel >= MsLogging.LogLevel.Warning && log.IsEnabled(Map(logLevel));

        public void Log<TState>(MsLogging.LogLevel logLevel, MsLogging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                log.Log(Map(logLevel), $"{category}: {formatter(state, exception)}", exception);
        }

        // The two enums list the same levels in the same order.
        private static LogLevel Map(MsLogging.LogLevel level) => (LogLevel)(int)level;
    }
}
