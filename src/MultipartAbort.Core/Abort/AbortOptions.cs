namespace MultipartAbort.Core.Abort;

/// <summary>What differs between a direct request, an SQS record and a sweep.</summary>
public sealed record AbortOptions
{
    public static AbortOptions Direct { get; } = new() { ProbeBeforeAbort = true, RequeueTransientFailures = true };
    public static AbortOptions SqsRecord { get; } = new() { ProbeBeforeAbort = true, RequeueTransientFailures = true };

    // Tells an upload that never existed (some servers answer 200 to its abort) and the bytes reclaimed.
    public bool ProbeBeforeAbort { get; init; }

    // For SQS too, so a batch's uploads settle one by one and SQS redelivery is the last resort.
    public bool RequeueTransientFailures { get; init; }

    // A sweep's listing already knows it: MIN_UPLOAD_AGE needs no look-up.
    public DateTimeOffset? KnownInitiated { get; init; }

    // No abort call when the probe finds no upload: most timers fire on long-completed uploads.
    public bool SettleOnProbe { get; init; }

    public TimeSpan? MinIdle { get; init; }

    public TimeSpan? MaxAge { get; init; }

    // On top of DRY_RUN.
    public bool DryRun { get; init; }
}
