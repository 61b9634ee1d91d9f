namespace MultipartAbort.Core.Report;

/// <summary>A report's answer: per bucket, at a time, with the MIN_IDLE and the price it was computed with.</summary>
public sealed record IncompleteUploadReport(DateTimeOffset At, TimeSpan MinIdle, int Depth, decimal PricePerGbMonth, string PriceName, IReadOnlyList<BucketReport> Buckets)
{
    /// <summary>What the showback groups are by; <see cref="ReportBy.None"/>: none asked for.</summary>
    public ReportBy By { get; init; }

    /// <summary>How many showback groups an answer keeps; the rest add up under <see cref="Showback.Other"/>.</summary>
    public int ByTop { get; init; } = Showback.DefaultTop;

    /// <summary>Every bucket's showback groups added up: the <see cref="ByTop"/> largest by bytes, then <see cref="Showback.Other"/>.</summary>
    public IReadOnlyList<ShowbackGroup> Groups => By == ReportBy.None ? [] : Showback.Top(Buckets.SelectMany(b => b.Groups), ByTop);

    /// <summary>
    /// The groups metrics are written for: at most <see cref="Showback.DefaultTop"/> and (other), whatever byTop a request
    /// asked for, as each principal is a series (a custom metric on CloudWatch).
    /// </summary>
    public IReadOnlyList<ShowbackGroup> MetricGroups => By == ReportBy.None ? [] : Showback.Top(Buckets.SelectMany(b => b.Groups), Math.Min(ByTop, Showback.DefaultTop));

    /// <summary>One bucket's showback groups: its <see cref="ByTop"/> largest by bytes, then <see cref="Showback.Other"/>.</summary>
    public IReadOnlyList<ShowbackGroup> GroupsOf(BucketReport bucket) => By == ReportBy.None ? [] : Showback.Top(bucket.Groups, ByTop);

    /// <summary>Every readable bucket's figures added up.</summary>
    public Breakdown Totals
    {
        get
        {
            var totals = new Breakdown();
            foreach (var bucket in Buckets)
                totals.Add(bucket.Overall);
            return totals;
        }
    }

    /// <summary>
    /// The metric cells: each bucket read in full and its prefixes (keys above the depth as <paramref name="topLevel"/>: a dimension may not be empty).
    /// </summary>
    public IEnumerable<(string Bucket, string? Prefix, Breakdown Figures)> CellsReadInFull(string topLevel)
    {
        foreach (var bucket in Buckets.Where(b => b.Complete && b.Error is null))
        {
            yield return (bucket.Bucket, null, bucket.Overall);
            foreach (var (prefix, cell) in bucket.Prefixes)
                yield return (bucket.Bucket, prefix.Length == 0 ? topLevel : prefix, cell);
        }
    }

    /// <summary>True when every bucket was read in full.</summary>
    public bool Complete => Buckets.All(b => b.Complete && b.Error is null);
}
