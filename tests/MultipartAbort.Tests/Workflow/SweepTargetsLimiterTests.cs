using System.Text;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>Issue 22 defect 4: several SWEEP_TARGETS draw their leases from the process's one limiter.</summary>
public sealed class SweepTargetsLimiterTests
{
    /// <summary>Holds every abort until released, counting how many are in the store at once.</summary>
    private sealed class HeldAborts : ScriptedObjectStore
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inside;

        public int Inside => Volatile.Read(ref _inside);

        public void Release() => _release.TrySetResult();

        public override async Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _inside);
            try
            {
                await _release.Task.WaitAsync(cancellationToken);
                return await base.AbortAsync(upload, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }
    }

    [Fact]
    public async Task TwoSweepTargets_NeverHaveMoreAbortsInTheStoreThanTheProcessLimitAllows()
    {
        var store = new HeldAborts();
        foreach (var bucket in new[] { "aaa", "bbb" })
            for (var i = 0; i < 40; i++)
                store.Add(bucket, $"k{i}", $"u{i}");
        var settings = new Settings
        {
            ReabortBackoff = TimeSpan.Zero,
            SweepTargets = [new SweepTarget("aaa", null, TimeSpan.FromDays(1)), new SweepTarget("bbb", null, TimeSpan.FromDays(1))],
        };
        var services = FunctionServices.Create(settings, store, new QueuePair(null, null), TextWriter.Null, LogLevel.None, TimeProvider.System);
        var tick = """{"version":"0","id":"e","detail-type":"Scheduled Event","source":"aws.events","detail":{}}""";

        var running = services.Events.HandleAsync(Encoding.UTF8.GetBytes(tick), services.Begin(null, CancellationToken.None));
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // time for the sweeps to take every lease they can get
        var inside = store.Inside;
        var limit = services.Concurrency.Limit;
        store.Release();
        var response = await running;

        inside.Should().BeInRange(1, limit, "every abort in the store holds a lease of the process's limiter (the adaptive limit starts low)");
        response.Result!.Summary[MultipartAbort.Core.Model.AbortOutcome.Aborted].Should().Be(80);
    }
}
