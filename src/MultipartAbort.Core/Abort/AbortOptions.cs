
namespace MultipartAbort.Core.Abort;

/// <summary>How one abort runs; what differs between a direct request, an SQS record and a sweep.</summary>
public sealed record AbortOptions
{
    public static AbortOptions Direct { get; } = new() { ProbeBeforeAbort = true, RequeueTransientFailures = true };
    public static AbortOptions SqsRecord { get; } = new() { ProbeBeforeAbort = true, RequeueTransientFailures = true };

    /// <summary>
    /// List the parts before the abort: tells an upload that was never there (already-gone, even from servers
    /// that answer an abort of an unknown upload with 200) and how many bytes the abort reclaims.
    /// </summary>
    public bool ProbeBeforeAbort { get; init; }

    /// <summary>
    /// Re-queue (attempt + 1) after a transient store error, or when the deadline cut the upload off, instead of
    /// answering failed. On for SQS records too: each upload of a body settles on its own, so SQS redelivering the
    /// whole record (listed in batchItemFailures) is left for when the re-queue itself is impossible.
    /// </summary>
    public bool RequeueTransientFailures { get; init; }

    /// <summary>When the upload's Initiated time is already known (a sweep's listing), MIN_UPLOAD_AGE needs no look-up.</summary>
    public DateTimeOffset? KnownInitiated { get; init; }

    /// <summary>
    /// When the probe (ListParts before the abort) finds no upload, end already-gone without an abort call. A timer
    /// sets it: most timers fire on uploads that were completed long ago, so one ListParts settles them.
    /// </summary>
    public bool SettleOnProbe { get; init; }

    /// <summary>
    /// Leave an upload alone (<see cref="Model.AbortOutcome.Active"/>) while its newest part landed, or with no part it
    /// began, less than this long ago: MIN_IDLE, for uploads chosen by age. Null or zero: not checked.
    /// </summary>
    public TimeSpan? MinIdle { get; init; }

    /// <summary>Report would-abort and change nothing, on top of DRY_RUN.</summary>
    public bool DryRun { get; init; }
}
