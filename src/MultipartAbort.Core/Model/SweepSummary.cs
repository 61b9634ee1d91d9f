namespace MultipartAbort.Core.Model;

/// <summary>What a sweep saw and did; the <c>summary.sweep</c> object of a result.</summary>
public sealed record SweepSummary
{
    public required string Bucket { get; init; }
    public string? Prefix { get; init; }
    public required string OlderThan { get; init; }
    public bool DryRun { get; init; }
    public long Pages { get; init; }
    public long Listed { get; init; }
    public long Matched { get; init; }

    /// <summary>What every upload this sweep took ended in; the figures below derive from it.</summary>
    public OutcomeCounts Counts { get; init; } = new();
    public long Aborted => Counts[AbortOutcome.Aborted];
    public long AlreadyGone => Counts[AbortOutcome.AlreadyGone];
    public long WouldAbort => Counts[AbortOutcome.WouldAbort];

    /// <summary>Uploads old enough but still active (MIN_IDLE): left alone.</summary>
    public long Active => Counts[AbortOutcome.Active];

    /// <summary>The MIN_IDLE this sweep used (PT0S: off).</summary>
    public string? MinIdle { get; init; }

    /// <summary>The MAX_UPLOAD_AGE this sweep used; null: no cap.</summary>
    public string? MaxUploadAge { get; init; }

    /// <summary>Uploads still active but older than <see cref="MaxUploadAge"/>, taken anyway (counted in their outcomes too).</summary>
    public long OverMaxAge { get; init; }
    public long Requeued => Counts[AbortOutcome.Requeued];
    public long DeadLettered => Counts[AbortOutcome.DeadLettered];
    public long Failed => Counts[AbortOutcome.Failed];
    public long BytesReclaimed => Counts.BytesReclaimed;

    /// <summary>True when the sweep stopped early (deadline) and re-queued a continuation.</summary>
    public bool Continued { get; init; }

    /// <summary>Why the sweep stopped before the listing's end; null when it finished.</summary>
    public string? StopReason { get; init; }
    public string? NextKeyMarker { get; init; }
    public string? NextUploadIdMarker { get; init; }
    public double ElapsedSeconds { get; init; }

    /// <summary>Uploads in flight at once: the pinned number, or where the adaptive limit settled.</summary>
    public int Concurrency { get; init; }

    /// <summary>True when <see cref="Concurrency"/> was found by the adaptive limit, not pinned.</summary>
    public bool AdaptiveConcurrency { get; init; }

    /// <summary>True when the store misreads a prefix (MinIO) and the sweep listed without it, keeping the keys under it.</summary>
    public bool PrefixFilteredLocally { get; init; }

    /// <summary>The shard (<c>i/N</c>) this sweep acted on; null for the whole range.</summary>
    public string? Shard { get; init; }

    /// <summary>For a fan-out: how many shard requests were sent.</summary>
    public int? ShardsQueued { get; init; }

    /// <summary>True when the sweep listed to the end: every matching upload was taken.</summary>
    public bool Complete => StopReason is null;
}
