namespace MultipartAbort.Core.Sweep;

/// <summary>Sums each sweep's latest snapshot; shards list the same range, so listing counts once.</summary>
internal sealed class MergedProgress(int sweeps, bool oneListing, IProgress<SweepProgress>? target)
{
    // Summing per finished upload costs sweeps x uploads; displays draw a few times a second.
    private const long SumEveryMilliseconds = 100;

    private readonly SweepProgress?[] _latest = new SweepProgress?[sweeps];
    private long _summedAt = long.MinValue;

    public IProgress<SweepProgress>? For(int sweep) => target is null ? null : sweeps == 1 ? target : new One(this, sweep);

    private void Report(int sweep, SweepProgress value)
    {
        SweepProgress sum;
        lock (_latest)
        {
            _latest[sweep] = value;
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

    private sealed class One(MergedProgress owner, int index) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => owner.Report(index, value);
    }
}
