using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MultipartAbort.Tests.Observability;

/// <summary>The exact JSON of a log line, against the Powertools Logging schema (STYLE.md has the reference line).</summary>
public sealed class StructuredLoggerFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly LogContext Invocation = new()
    {
        ColdStart = true,
        FunctionName = "multipart-abort",
        FunctionMemorySize = 512,
        FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:multipart-abort",
        FunctionRequestId = "c6af9ac6-7b61-11e6-9a41-93e812345678",
        XRayTraceId = "1-5759e988-bd862e3fe1be46a994272793",
    };

    private static (StructuredLogger Log, StringWriter Output) Logger(LogLevel level = LogLevel.Information)
    {
        var output = new StringWriter();
        return (new StructuredLogger(output, "multipart-abort", level, new FakeTimeProvider(Now)) { Context = Invocation }, output);
    }

    [Fact]
    public void Log_WritesThePowertoolsKeysInOrder_OneObjectPerLine()
    {
        var (log, output) = Logger();

        log.Log(LogLevel.Information, "hello");

        output.ToString().Should().Be(
            """{"level":"Information","message":"hello","timestamp":"2026-01-01T00:00:00.0000000Z","service":"multipart-abort","cold_start":true,"function_name":"multipart-abort","function_memory_size":512,"function_arn":"arn:aws:lambda:us-east-1:123456789012:function:multipart-abort","function_request_id":"c6af9ac6-7b61-11e6-9a41-93e812345678","xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793"}"""
                + "\n"
        );
    }

    [Fact]
    public void Outcome_AddsBucketKeyUploadIdAttemptAndOutcome()
    {
        var (log, output) = Logger();

        log.Outcome(new AbortResult("b", "k/1", "u-1", AbortOutcome.Requeued, 2, 3, 1, "1 parts remain; re-queued"));

        output.ToString().Should().EndWith(
            """
            "xray_trace_id":"1-5759e988-bd862e3fe1be46a994272793","bucket":"b","key":"k/1","uploadId":"u-1","attempt":2,"outcome":"requeued","abortCalls":3,"partsRemaining":1}
            """
                + "\n"
        );
        output.ToString().Should().StartWith("""{"level":"Warning","message":"1 parts remain; re-queued",""");
    }

    [Fact]
    public void Log_WhenNotColdStart_WritesColdStartFalse()
    {
        var (log, output) = Logger();
        log.Context = Invocation with { ColdStart = false };

        log.Log(LogLevel.Information, "warm");

        output.ToString().Should().Contain("\"cold_start\":false,");
    }

    [Fact]
    public void Log_WithAnException_AddsTheExceptionObject()
    {
        var (log, output) = Logger();

        log.Log(LogLevel.Error, "failed", new InvalidOperationException("bad \"thing\""));

        output.ToString().Should().EndWith("""
            ,"exception":{"type":"System.InvalidOperationException","message":"bad \"thing\""}}
            """ + "\n");
    }

    [Theory]
    [InlineData("WARN", LogLevel.Warning)]
    [InlineData("Warning", LogLevel.Warning)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("CRITICAL", LogLevel.Critical)]
    [InlineData("FATAL", LogLevel.Critical)]
    [InlineData(null, LogLevel.Information)]
    [InlineData("nonsense", LogLevel.Information)]
    public void PowertoolsLogLevel_IsReadAsPowertoolsReadsIt(string? value, LogLevel expected) => LogLevels.Parse(value).Should().Be(expected);

    [Fact]
    public void Log_BelowTheMinimumLevel_WritesNothing()
    {
        var (log, output) = Logger(LogLevel.Warning);

        log.Log(LogLevel.Information, "quiet");
        log.Log(LogLevel.Warning, "loud");

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Which.Should().Contain("\"message\":\"loud\"");
    }

    [Fact]
    public void FunctionServices_HonourPowertoolsServiceNameLogLevelAndMetricsNamespace()
    {
        var env = new DictionaryEnvironment(
            new Dictionary<string, string?>
            {
                ["POWERTOOLS_SERVICE_NAME"] = "billing-cleanup",
                ["POWERTOOLS_LOG_LEVEL"] = "WARN",
                ["POWERTOOLS_METRICS_NAMESPACE"] = "Storage/Cleanup",
            }
        );
        var settings = Settings.Load(env);

        var services = FunctionServices.Create(settings, new ScriptedObjectStore(), QueuePair.None, TextWriter.Null);

        services.Log.Service.Should().Be("billing-cleanup");
        services.Log.MinimumLevel.Should().Be(LogLevel.Warning);
        EmfMetrics.For(services.Settings, TextWriter.Null).Namespace.Should().Be("Storage/Cleanup");
    }

    [Fact]
    public void FunctionServices_WithoutPowertoolsVariables_LogAtInformation()
    {
        var services = FunctionServices.Create(Settings.Load(new DictionaryEnvironment()), new ScriptedObjectStore(), QueuePair.None, TextWriter.Null);

        services.Log.MinimumLevel.Should().Be(LogLevel.Information);
        services.Log.Service.Should().Be("multipart-abort");
        EmfMetrics.For(services.Settings, TextWriter.Null).Namespace.Should().Be("MultipartAbort");
    }
}
