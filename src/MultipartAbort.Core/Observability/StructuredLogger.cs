using System.Buffers;

namespace MultipartAbort.Core.Observability;

/// <summary>JSON lines in the Powertools Logging schema; invocation keys flow with the async context, so concurrent requests keep their own.</summary>
public sealed class StructuredLogger
{
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly AsyncLocal<LogContext?> _context = new();

    public StructuredLogger(TextWriter output, string service, LogLevel minimumLevel, TimeProvider? time = null)
    {
        _output = output;
        Service = service;
        MinimumLevel = minimumLevel;
        _time = time ?? TimeProvider.System;
    }

    public static StructuredLogger Null { get; } = new(TextWriter.Null, "multipart-abort", LogLevel.None);

    /// <summary>Before there are settings: one Critical line whose message names the wrong variables, never a secret's value.</summary>
    public static StructuredLogger StartupFailed(Configuration.IEnvironment env, TextWriter output, TimeProvider time, LogContext context, string message, Exception ex)
    {
        var log = new StructuredLogger(output, env.Get(Configuration.EnvironmentVariables.PowertoolsServiceName) ?? "multipart-abort", LogLevel.Information, time) { Context = context with { ColdStart = true } };
        log.Log(LogLevel.Critical, message, ex is Configuration.ConfigurationException ? null : ex);
        return log;
    }

    public string Service { get; }
    public LogLevel MinimumLevel { get; }

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
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var ctx = Context;
            json.WriteStartObject();
            json.WriteString(LogKeys.Level, level.ToString());
            json.WriteString(LogKeys.Message, message);
            json.WriteString(LogKeys.Timestamp, _time.GetUtcNow().UtcDateTime.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString(LogKeys.Service, Service);
            json.WriteBoolean(LogKeys.ColdStart, ctx.ColdStart);
            WriteIfSet(json, LogKeys.FunctionName, ctx.FunctionName);
            if (ctx.FunctionMemorySize is { } memory)
                json.WriteNumber(LogKeys.FunctionMemorySize, memory);
            WriteIfSet(json, LogKeys.FunctionArn, ctx.FunctionArn);
            WriteIfSet(json, LogKeys.FunctionRequestId, ctx.FunctionRequestId);
            WriteIfSet(json, LogKeys.XRayTraceId, ctx.XRayTraceId);
            if (result is not null)
            {
                json.WriteString(LogKeys.Bucket, result.Bucket);
                json.WriteString(LogKeys.Key, result.Key);
                json.WriteString(LogKeys.UploadId, result.UploadId);
                json.WriteNumber(LogKeys.Attempt, result.Attempt);
                json.WriteString(LogKeys.Outcome, result.Outcome.ToWireName());
                json.WriteNumber("abortCalls", result.AbortCalls);
                json.WriteNumber("partsRemaining", result.PartsRemaining);
            }
            if (exception is not null)
            {
                // The shape Powertools' exception converter writes (snake_case, nulls left out).
                json.WriteStartObject(LogKeys.Exception);
                json.WriteString("type", exception.GetType().FullName);
                json.WriteString("message", exception.Message);
                WriteIfSet(json, "source", exception.Source);
                WriteIfSet(json, "stack_trace", exception.StackTrace);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var line = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        lock (_gate)
        {
            _output.Write(line + "\n");
            _output.Flush();
        }
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            json.WriteString(name, value);
    }
}
