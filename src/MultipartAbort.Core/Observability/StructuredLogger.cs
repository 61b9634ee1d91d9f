namespace MultipartAbort.Core.Observability;

/// <summary>JSON lines in the Powertools Logging schema (docs/events.md, "Logs and metrics"); invocation keys flow with the async context, so concurrent requests keep their own.</summary>
public sealed class StructuredLogger(TextWriter output, string service, LogLevel minimumLevel, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private readonly AsyncLocal<LogContext?> _context = new();

    /// <summary>Before there are settings: one Critical line whose message names the wrong variables, never a secret's value.</summary>
    public static StructuredLogger StartupFailed(Configuration.IEnvironment env, TextWriter output, TimeProvider time, LogContext context, string message, Exception ex)
    {
        var log = new StructuredLogger(output, env.Get(Configuration.EnvironmentVariables.PowertoolsServiceName) ?? "multipart-abort", LogLevel.Information, time) { Context = context with { ColdStart = true } };
        log.Log(LogLevel.Critical, message, ex is Configuration.ConfigurationException ? null : ex);
        return log;
    }

    public string Service { get; } = service;
    public LogLevel MinimumLevel { get; } = minimumLevel;

    public LogContext Context
    {
        get => _context.Value ?? LogContext.Empty;
        set => _context.Value = value;
    }

    public bool IsEnabled(LogLevel level) => level >= MinimumLevel && level != LogLevel.None;

    public void Log(LogLevel level, string message, Exception? exception = null) => Write(level, message, null, exception);

    public void Outcome(AbortResult result)
    {
        var level = result.Outcome switch
        {
            AbortOutcome.Failed or AbortOutcome.DeadLettered => LogLevel.Error,
            AbortOutcome.Rejected or AbortOutcome.Requeued => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        Write(level, result.Message, result, null);
    }

    private void Write(LogLevel level, string message, AbortResult? result, Exception? exception)
    {
        if (!IsEnabled(level))
            return;
        var ctx = Context;
        WriteLine(output, _gate, json =>
        {
            json.WriteStartObject();
            json.WriteString("level", level.ToString());
            json.WriteString("message", message);
            json.WriteString("timestamp", _time.GetUtcNow().UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
            json.WriteString("service", Service);
            json.WriteBoolean("cold_start", ctx.ColdStart);
            WriteIfSet(json, "function_name", ctx.FunctionName);
            json.WriteIf("function_memory_size", ctx.FunctionMemorySize);
            WriteIfSet(json, "function_arn", ctx.FunctionArn);
            WriteIfSet(json, "function_request_id", ctx.FunctionRequestId);
            WriteIfSet(json, "xray_trace_id", ctx.XRayTraceId);
            if (result is not null)
            {
                json.WriteString("bucket", result.Bucket);
                json.WriteString("key", result.Key);
                json.WriteString("uploadId", result.UploadId);
                json.WriteNumber("attempt", result.Attempt);
                json.WriteString("outcome", result.Outcome.ToWireName());
                json.WriteNumber("abortCalls", result.AbortCalls);
                json.WriteNumber("partsRemaining", result.PartsRemaining);
            }
            if (exception is not null)
            {
                // The shape Powertools' exception converter writes (snake_case, nulls left out).
                json.WriteStartObject("exception");
                json.WriteString("type", exception.GetType().FullName);
                json.WriteString("message", exception.Message);
                WriteIfSet(json, "source", exception.Source);
                WriteIfSet(json, "stack_trace", exception.StackTrace);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        });
    }

    // One whole line per write, so concurrent writers never interleave.
    internal static void WriteLine(TextWriter output, Lock gate, Action<Utf8JsonWriter> write)
    {
        var line = ResultJson.Text(write) + "\n";
        lock (gate)
        {
            output.Write(line);
            output.Flush();
        }
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            json.WriteString(name, value);
    }
}
