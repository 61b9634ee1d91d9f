using MultipartAbort.Testing;
using System.Net;
using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Observability;
using MultipartAbort.Lambda.Bootstrap;
using MultipartAbort.Lambda.Client;
using MultipartAbort.Lambda.Context;
using MultipartAbort.Lambda.Tests.Infrastructure;

namespace MultipartAbort.Lambda.Tests.Bootstrap;

/// <summary>The runtime loop in process, on a loopback Runtime API, with handlers the tests write.</summary>
public sealed class LambdaBootstrapTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2); // a hang guard, generous for a loaded 2-core box
    private static readonly FunctionIdentity Function = new("multipart-abort", 256, "$LATEST");

    private sealed class Harness : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        private Harness(FakeRuntimeApi api, Func<LambdaContext, CancellationToken, Task<byte[]>> handler)
        {
            Api = api;
            Client = new RuntimeApiClient(api.Address);
            Log = new StructuredLogger(Output, "loop-test", LogLevel.Information);
            Loop = new LambdaBootstrap(Client, Log, Function).RunInvocationsAsync(handler, _stop.Token);
        }

        public FakeRuntimeApi Api { get; }
        public RuntimeApiClient Client { get; }
        public StringWriter Output { get; } = new();
        public StructuredLogger Log { get; }
        public Task<int> Loop { get; }

        public IReadOnlyList<JsonElement> Lines =>
            Output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

        public static async Task<Harness> StartAsync(Func<LambdaContext, CancellationToken, Task<byte[]>> handler) => new(await FakeRuntimeApi.StartAsync(), handler);

        public async Task<int> StopAsync()
        {
            await _stop.CancelAsync();
            return await Loop.WaitAsync(Guard);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Api.DisposeAsync();
            Client.Dispose();
            _stop.Dispose();
        }
    }

    private static Task<byte[]> Echo(LambdaContext context, CancellationToken ct) => Task.FromResult(context.Request.Event);

    [Fact]
    public async Task AHandlerThatThrows_IsReportedAsAnInvocationError_AndTheNextEventIsServed()
    {
        await using var harness = await Harness.StartAsync(
            (context, ct) => Encoding.UTF8.GetString(context.Request.Event) == "boom" ? throw new InvalidOperationException("boom happened") : Echo(context, ct)
        );

        var failed = await harness.Api.Enqueue("req-boom", "boom").WaitAsync(Guard);
        var served = await harness.Api.Enqueue("req-fine", """{"ok":true}""").WaitAsync(Guard);

        failed.Kind.Should().Be(RecordedAnswer.Error);
        failed.ErrorType.Should().Be("Function.Unhandled");
        failed.Json.GetProperty("errorType").GetString().Should().Be("InvalidOperationException");
        failed.Json.GetProperty("errorMessage").GetString().Should().Be("boom happened");
        served.Kind.Should().Be(RecordedAnswer.Response);
        served.Body.Should().Be("""{"ok":true}""");
        harness.Loop.IsCompleted.Should().BeFalse();
        var error = harness.Lines.Single(l => l.GetProperty("level").GetString() == "Critical");
        error.GetProperty("function_request_id").GetString().Should().Be("req-boom");
        error.GetProperty("exception").GetProperty("type").GetString().Should().Be("System.InvalidOperationException");
        (await harness.StopAsync()).Should().Be(0);
    }

    [Fact]
    public async Task ColdStart_IsTrueOnlyForTheFirstInvocation_AndEachLineCarriesItsRequestAndTrace()
    {
        StructuredLogger? log = null;
        await using var harness = await Harness.StartAsync(
            (context, ct) =>
            {
                log!.Log(LogLevel.Information, $"handling {context.RequestId}");
                return Echo(context, ct);
            }
        );
        log = harness.Log;

        await harness.Api.Enqueue("req-1", "{}").WaitAsync(Guard);
        await harness.Api.Enqueue("req-2", "{}").WaitAsync(Guard);
        await harness.Api.Enqueue("req-3", "{}").WaitAsync(Guard);

        var lines = harness.Lines;
        lines.Select(l => l.GetProperty("function_request_id").GetString()).Should().Equal("req-1", "req-2", "req-3");
        lines.Select(l => l.GetProperty("cold_start").GetBoolean()).Should().Equal(true, false, false);
        lines.Select(l => l.GetProperty("xray_trace_id").GetString()).Should().Equal(FakeRuntimeApi.RootFor("req-1"), FakeRuntimeApi.RootFor("req-2"), FakeRuntimeApi.RootFor("req-3"));
        lines.Should().AllSatisfy(l => l.GetProperty("function_arn").GetString().Should().Be("arn:aws:lambda:us-east-1:123456789012:function:multipart-abort"));
    }

    [Fact]
    public async Task TheTraceHeader_IsSetAsXAmznTraceIdForTheInvocation()
    {
        string? seen = null;
        await using var harness = await Harness.StartAsync(
            (context, ct) =>
            {
                seen = Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID");
                return Echo(context, ct);
            }
        );

        await harness.Api.Enqueue("req-traced", "{}").WaitAsync(Guard);

        seen.Should().Be(FakeRuntimeApi.TraceHeaderFor("req-traced"));
    }

    [Fact]
    public async Task AnAnswerLargerThanLambdaAccepts_IsReportedAsAnError()
    {
        await using var harness = await Harness.StartAsync(Echo);
        harness.Api.RejectResponsesWith = HttpStatusCode.RequestEntityTooLarge;

        var answer = await harness.Api.Enqueue("req-big", """{"big":true}""").WaitAsync(Guard);

        answer.Kind.Should().Be(RecordedAnswer.Error);
        answer.ErrorType.Should().Be("Function.ResponseSizeTooLarge");
        harness.Loop.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task ABrokenRuntimeApi_EndsTheLoopWithItsExitCode()
    {
        await using var harness = await Harness.StartAsync(Echo);
        harness.Api.FailNextWith = HttpStatusCode.InternalServerError;
        // The first next may already be waiting for an event: hand it one so the loop asks again.
        _ = harness.Api.Enqueue("req-1", "{}");

        (await harness.Loop.WaitAsync(Guard)).Should().Be(LambdaBootstrap.ExitRuntimeApiFailed);
        harness.Lines.Last().GetProperty("level").GetString().Should().Be("Critical");
    }

    [Fact]
    public async Task RunAsync_OutsideLambda_ExitsWithoutTouchingAnything()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await LambdaBootstrap.RunAsync(new DictionaryEnvironment(), stdout, stderr, TimeProvider.System, CancellationToken.None);

        code.Should().Be(LambdaBootstrap.ExitNotInLambda);
        stderr.ToString().Should().Contain("AWS_LAMBDA_RUNTIME_API");
        stdout.ToString().Should().BeEmpty();
    }
}
