namespace MultipartAbort.Core.Report;

/// <summary>A report's answer: per bucket, with the MIN_IDLE and the price it was computed with.</summary>
public sealed record IncompleteUploadReport(DateTimeOffset At, TimeSpan MinIdle, int Depth, decimal PricePerGbMonth, string PriceName, IReadOnlyList<BucketReport> Buckets)
{
    public ReportBy By { get; init; }

    public int ByTop { get; init; } = Showback.DefaultTop;

    public IReadOnlyList<ShowbackGroup> Groups => By == ReportBy.None ? [] : Showback.Top(Buckets.SelectMany(b => b.Groups), ByTop);

    // At most DefaultTop and (other), whatever byTop asked: each principal is a series (a custom metric on CloudWatch).
    public IReadOnlyList<ShowbackGroup> MetricGroups => By == ReportBy.None ? [] : Showback.Top(Buckets.SelectMany(b => b.Groups), Math.Min(ByTop, Showback.DefaultTop));

    public IReadOnlyList<ShowbackGroup> GroupsOf(BucketReport bucket) => By == ReportBy.None ? [] : Showback.Top(bucket.Groups, ByTop);

    public Breakdown Totals => Buckets.Aggregate(new Breakdown(), (totals, bucket) => totals.Add(bucket.Overall));

    // Keys above the depth as topLevel: a dimension may not be empty.
    public IEnumerable<(string Bucket, string? Prefix, Breakdown Figures)> CellsReadInFull(string topLevel)
    {
        foreach (var bucket in Buckets.Where(b => b.Complete && b.Error is null))
        {
            yield return (bucket.Bucket, null, bucket.Overall);
            foreach (var (prefix, cell) in bucket.Prefixes)
                yield return (bucket.Bucket, prefix.Length == 0 ? topLevel : prefix, cell);
        }
    }

    public bool Complete => Buckets.All(b => b.Complete && b.Error is null);

    // The renderers every host reaches: mpa report's outputs and the tick's page.
    public string Json(bool indented = false) => ReportJson.Text(this, indented);

    public string Csv() => ReportCsv.Text(this);

    public string Html(Settings settings) => ReportHtml.Render(this, ReportHtml.EndpointName(settings));
}
