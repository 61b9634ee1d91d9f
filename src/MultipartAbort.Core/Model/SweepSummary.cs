namespace MultipartAbort.Core.Model;

/// <summary>The <c>summary.sweep</c> object of a result.</summary>
public sealed record SweepSummary
{
    public required string Bucket { get; init; }
    public string? Prefix { get; init; }
    public required string OlderThan { get; init; }
    public bool DryRun { get; init; }
    public long Pages { get; init; }
    public long Listed { get; init; }
    public long Matched { get; init; }

    public OutcomeCounts Counts { get; init; } = new();
    public long Aborted => Counts[AbortOutcome.Aborted];
    public long AlreadyGone => Counts[AbortOutcome.AlreadyGone];
    public long WouldAbort => Counts[AbortOutcome.WouldAbort];

    public long Active => Counts[AbortOutcome.Active];

    public string? MinIdle { get; init; }

    public string? MaxUploadAge { get; init; }

    // Counted in their outcomes too.
    public long OverMaxAge { get; init; }
    public long Requeued => Counts[AbortOutcome.Requeued];
    public long DeadLettered => Counts[AbortOutcome.DeadLettered];
    public long Failed => Counts[AbortOutcome.Failed];
    public long BytesReclaimed => Counts.BytesReclaimed;

    public bool Continued { get; init; }

    public string? StopReason { get; init; }
    public string? NextKeyMarker { get; init; }
    public string? NextUploadIdMarker { get; init; }
    public double ElapsedSeconds { get; init; }

    public int Concurrency { get; init; }

    public bool AdaptiveConcurrency { get; init; }

    public bool PrefixFilteredLocally { get; init; }

    public string? Shard { get; init; }

    public int? ShardsQueued { get; init; }

    public bool Complete => StopReason is null;
}
