using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>Issue 22 defect 2: a fan-out's shard sends are settling work, and a cut-off becomes an outcome, never an exception.</summary>
public sealed class SweepFanOutDeadlineTests
{
    /// <summary>A queue whose sends honour their token, as the SDK's do.</summary>
    private sealed class CancellableQueue : IMessageQueue
    {
        public List<string> Sent { get; } = [];

        public string Address => "memory://retry";

        public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Sent.Add(body);
            return Task.CompletedTask;
        }
    }

    private static (FunctionServices Services, CancellableQueue Retry) Services()
    {
        var retry = new CancellableQueue();
        return (FunctionServices.Create(new Settings(), new ScriptedObjectStore(), new QueuePair(retry, null), TextWriter.Null, LogLevel.None, TimeProvider.System), retry);
    }

    private static readonly SweepRequest FanOut = new("bkt", TimeSpan.FromDays(1)) { FanOut = 4 };

    [Fact]
    public async Task FanOut_AfterTheWorkCutOff_StillSendsItsShards_WithTheTimeLeftForSettling()
    {
        var (services, retry) = Services();
        // The work cut-off has passed; the host's own token (settling) has not.
        using var invocation = services.Begin(DateTimeOffset.UtcNow.AddSeconds(-1), CancellationToken.None);

        var (summary, counts, notable) = await services.Sweeps.RunAsync(FanOut, invocation);

        summary.ShardsQueued.Should().Be(4);
        retry.Sent.Should().HaveCount(4);
        notable.Should().BeEmpty();
        counts[AbortOutcome.Failed].Should().Be(0);
    }

    [Fact]
    public async Task FanOut_WhenEvenSettlingIsCutOff_EndsFailedNamingIt_InsteadOfThrowing()
    {
        var (services, _) = Services();
        using var host = new CancellationTokenSource();
        await host.CancelAsync();
        using var invocation = services.Begin(DateTimeOffset.UtcNow.AddSeconds(-1), host.Token);

        var (_, counts, notable) = await services.Sweeps.RunAsync(FanOut, invocation);

        counts[AbortOutcome.Failed].Should().Be(1);
        notable.Single().Message.Should().Contain("ran out of time").And.Contain("sending them all again is harmless");
    }
}
