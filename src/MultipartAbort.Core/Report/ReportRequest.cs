namespace MultipartAbort.Core.Report;

/// <summary>What incomplete uploads hold, read-only, for named buckets or globs within ALLOWED_BUCKETS.</summary>
public sealed record ReportRequest
{
    public const int MaxDepth = 5;

    // AWS S3 Standard list price (us-east-1, first 50 TB).
    public const decimal DefaultPricePerGbMonth = 0.023m;

    public const string DefaultPriceName = "AWS S3 Standard list price, us-east-1, first 50 TB";

    public IReadOnlyList<string> Buckets { get; init; } = [];
    public bool AllBuckets { get; init; }

    // 0: per bucket only.
    public int Depth { get; init; }

    // Newest part (or, with none, the start) this recent counts active; null: MIN_IDLE.
    public TimeSpan? MinIdle { get; init; }

    public decimal PricePerGbMonth { get; init; } = DefaultPricePerGbMonth;
    public string PriceName { get; init; } = DefaultPriceName;

    public int Top { get; init; } = 10;

    public ReportBy By { get; init; }

    public int ByTop { get; init; } = Showback.DefaultTop;
}
