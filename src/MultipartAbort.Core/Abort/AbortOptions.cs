
namespace MultipartAbort.Core.Abort;

/// <summary>How one abort runs; what differs between a direct request, an SQS record and a sweep.</summary>
public sealed record AbortOptions
{
    public static AbortOptions Direct { get; } = new() { ProbeBeforeAbort = true, RequeueTransientFailures = true };
    public static AbortOptions SqsRecord { get; } = new() { ProbeBeforeAbort = true, RequeueTransientFailures = true };

    /// <summary>
    /// ListParts before the abort: tells an upload that never existed (some servers answer 200 to its abort) and the bytes reclaimed.
    /// </summary>
    public bool ProbeBeforeAbort { get; init; }

    /// <summary>
    /// Re-queue (attempt + 1) after a transient error or a cut-off instead of failing; for SQS too, so a batch's
    /// uploads settle one by one and SQS redelivery is the last resort.
    /// </summary>
    public bool RequeueTransientFailures { get; init; }

    /// <summary>When the upload's Initiated time is already known (a sweep's listing), MIN_UPLOAD_AGE needs no look-up.</summary>
    public DateTimeOffset? KnownInitiated { get; init; }

    /// <summary>A probe that finds no upload ends already-gone with no abort call: most timers fire on long-completed uploads.</summary>
    public bool SettleOnProbe { get; init; }

    /// <summary>MIN_IDLE: leave an upload alone (<see cref="Model.AbortOutcome.Active"/>) while recently active. Null or zero: off.</summary>
    public TimeSpan? MinIdle { get; init; }

    /// <summary>MAX_UPLOAD_AGE: an upload that began longer ago is aborted even while active (MIN_IDLE). Null: no cap.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Report would-abort and change nothing, on top of DRY_RUN.</summary>
    public bool DryRun { get; init; }
}
