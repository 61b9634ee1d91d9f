using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Cli;

/// <summary>
/// Several sweeps at once in this process, under the one limiter, with one merged progress stream: the N shards of one
/// sweep (<c>mpa sweep --shards N</c>: each lists the whole range and acts on its own uploads; the shard arithmetic is
/// the one the function's fan-out uses, so the two can be mixed), or the sweeps of many buckets (a fleet).
/// </summary>
internal static class ShardedSweep
{
    /// <summary>The sweeps, each with its summary; the counts and the first results that did not end clean of all of them.</summary>
    public static async Task<(IReadOnlyList<SweepSummary> Summaries, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable)> RunAllAsync(
        SweepRunner sweeps,
        IReadOnlyList<SweepRequest> requests,
        bool oneListing,
        IProgress<SweepProgress>? progress,
        CancellationToken abandon,
        CancellationToken stop
    )
    {
        var merged = new MergedProgress(requests.Count, oneListing, progress);
        var outcomes = new SweepOutcome[requests.Count];
        // Shards of one sweep all run (each is one worker); a fleet's buckets run a few at a time (each holds a listing
        // page), all of them under the one limiter. Ctrl+C needs no special case: a sweep started after it stops at once.
        await ConcurrencyLimiter
            .ForEachIndexAsync(
                requests.Count,
                oneListing ? requests.Count : BucketSelector.BucketsAtOnce,
                () => false,
                async i => outcomes[i] = await sweeps.RunAsync(requests[i], InvocationContext.Unbounded, merged.For(i), abandon, stop).ConfigureAwait(false)
            )
            .ConfigureAwait(false);
        var counts = new OutcomeCounts();
        var notable = new List<AbortResult>();
        foreach (var (_, c, n) in outcomes)
        {
            counts.Add(c);
            notable.AddRange(n.Take(SweepRunner.MaxReportedResults - notable.Count));
        }
        return ([.. outcomes.Select(o => o.Summary)], counts, notable);
    }

    public static async Task<SweepOutcome> RunAsync(
        SweepRunner sweeps,
        SweepRequest sweep,
        int shards,
        IProgress<SweepProgress>? progress,
        CancellationToken abandon,
        CancellationToken stop
    )
    {
        var requests = Enumerable.Range(0, shards).Select(i => sweep with { Shard = new SweepShard(i, shards) }).ToArray();
        var (summaries, counts, notable) = await RunAllAsync(sweeps, requests, oneListing: true, progress, abandon, stop).ConfigureAwait(false);
        // Every shard lists the same range: the listing counts once; what each shard took and did adds up.
        var first = summaries.FirstOrDefault(s => s.StopReason is not null) ?? summaries[0];
        var earliest = EarliestStop(summaries);
        var summary = first with
        {
            Pages = summaries.Max(s => s.Pages),
            Listed = summaries.Max(s => s.Listed),
            Matched = summaries.Sum(s => s.Matched),
            Aborted = summaries.Sum(s => s.Aborted),
            AlreadyGone = summaries.Sum(s => s.AlreadyGone),
            WouldAbort = summaries.Sum(s => s.WouldAbort),
            Active = summaries.Sum(s => s.Active),
            Requeued = summaries.Sum(s => s.Requeued),
            DeadLettered = summaries.Sum(s => s.DeadLettered),
            Failed = summaries.Sum(s => s.Failed),
            BytesReclaimed = summaries.Sum(s => s.BytesReclaimed),
            ElapsedSeconds = summaries.Max(s => s.ElapsedSeconds),
            Shard = $"all {shards}",
            NextKeyMarker = earliest?.NextKeyMarker,
            NextUploadIdMarker = earliest?.NextUploadIdMarker,
        };
        return new(summary, counts, notable);
    }

    /// <summary>
    /// Shards stop at different places: resuming all of them from the one that stopped earliest loses nothing (each
    /// shard's own markers are in its log lines). Every shard lists the same uploads in the same order, so the one that
    /// listed the fewest stopped earliest, in whatever order the store lists (S3's key order, or Ceph RGW's own).
    /// </summary>
    internal static SweepSummary? EarliestStop(IEnumerable<SweepSummary> summaries) => summaries.Where(s => s.NextKeyMarker is not null).MinBy(s => s.Listed);

    /// <summary>
    /// Keeps each sweep's latest snapshot and reports their sum; shards of <paramref name="oneListing"/> list the same
    /// range, so their pages and listed uploads count once.
    /// </summary>
    private sealed class MergedProgress(int shards, bool oneListing, IProgress<SweepProgress>? target)
    {
        private readonly SweepProgress?[] _latest = new SweepProgress?[shards];
        private long _summedAt = long.MinValue;

        /// <summary>
        /// How often the sum is made: every finished upload reports, and summing every sweep's snapshot each time costs
        /// buckets x uploads; displays draw at most a few times a second.
        /// </summary>
        private const long SumEveryMilliseconds = 100;

        public IProgress<SweepProgress>? For(int shard) => target is null ? null : new Shard(this, shard);

        private void Report(int shard, SweepProgress value)
        {
            SweepProgress sum;
            lock (_latest)
            {
                _latest[shard] = value;
                var now = Environment.TickCount64;
                if (!value.Final && now - _summedAt < SumEveryMilliseconds)
                    return;
                _summedAt = now;
                var all = _latest.OfType<SweepProgress>().ToArray();
                var counts = new OutcomeCounts();
                foreach (var p in all)
                    counts.Add(p.Counts);
                var (pages, listed) = oneListing ? (all.Max(p => p.Pages), all.Max(p => p.Listed)) : (all.Sum(p => p.Pages), all.Sum(p => p.Listed));
                sum = new SweepProgress(pages, listed, all.Sum(p => p.Matched), all.Sum(p => p.Done), counts)
                {
                    Elapsed = all.Max(p => p.Elapsed),
                    Final = all.Length == _latest.Length && all.All(p => p.Final),
                };
            }
            target!.Report(sum);
        }

        private sealed class Shard(MergedProgress owner, int index) : IProgress<SweepProgress>
        {
            public void Report(SweepProgress value) => owner.Report(index, value);
        }
    }
}
