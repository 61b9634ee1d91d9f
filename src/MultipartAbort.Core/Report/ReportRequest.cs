namespace MultipartAbort.Core.Report;

/// <summary>What incomplete uploads hold, read-only, for the named buckets or globs within ALLOWED_BUCKETS, per prefix to <see cref="Depth"/>.</summary>
public sealed record ReportRequest
{
    public const int MaxDepth = 5;

    /// <summary>The AWS S3 Standard list price (us-east-1, first 50 TB, per GB-month), the default estimate's rate.</summary>
    public const decimal DefaultPricePerGbMonth = 0.023m;

    public const string DefaultPriceName = "AWS S3 Standard list price, us-east-1, first 50 TB";

    public IReadOnlyList<string> Buckets { get; init; } = [];
    public bool AllBuckets { get; init; }

    /// <summary>Path segments (split at '/') of the per-prefix breakdown; 0: per bucket only.</summary>
    public int Depth { get; init; }

    /// <summary>An upload whose newest part landed (or, with none, that began) this recently is counted active; null: MIN_IDLE.</summary>
    public TimeSpan? MinIdle { get; init; }

    public decimal PricePerGbMonth { get; init; } = DefaultPricePerGbMonth;
    public string PriceName { get; init; } = DefaultPriceName;

    /// <summary>How many of the largest and of the oldest uploads each bucket keeps for the answer.</summary>
    public int Top { get; init; } = 10;

    /// <summary>Group every figure by who started or owns each upload; <see cref="ReportBy.None"/>: no groups.</summary>
    public ReportBy By { get; init; }

    /// <summary>How many groups the answer keeps (the largest by bytes); the rest add up under <see cref="Showback.Other"/>.</summary>
    public int ByTop { get; init; } = Showback.DefaultTop;
}
