namespace MultipartAbort.Core.Abort;

/// <summary>What differs between a request, a sweep and a timer; every run probes first and re-queues transient failures.</summary>
public sealed record AbortOptions
{
    public static AbortOptions Direct { get; } = new();

    // A sweep's listing already knows it: MIN_UPLOAD_AGE needs no look-up.
    public DateTimeOffset? KnownInitiated { get; init; }

    // No abort call when the probe finds no upload: most timers fire on long-completed uploads.
    public bool SettleOnProbe { get; init; }

    public TimeSpan? MinIdle { get; init; }

    public TimeSpan? MaxAge { get; init; }

    // On top of DRY_RUN.
    public bool DryRun { get; init; }
}
