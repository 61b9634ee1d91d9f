namespace MultipartAbort.Core.Model;

/// <summary>Every request ends in exactly one of these.</summary>
public enum AbortOutcome
{
    // Verified clean with ListParts.
    Aborted,

    // No such upload, verified.
    AlreadyGone,

    Requeued,

    // Or the request can never succeed.
    DeadLettered,

    // No call to the store was made.
    Rejected,

    // A transient error outlived the retries.
    Failed,

    WouldAbort,

    // Chosen by age but still receiving parts (MIN_IDLE).
    Active,
}

public static class AbortOutcomeNames
{
    // In the order summaries list them.
    public static IReadOnlyList<AbortOutcome> All { get; } = Enum.GetValues<AbortOutcome>();

    // Indexed by AbortOutcome, in its order.
    private static readonly string[] WireNames = ["aborted", "already-gone", "requeued", "dead-lettered", "rejected", "failed", "would-abort", "active"];

    public static string ToWireName(this AbortOutcome outcome) => WireNames[(int)outcome];

    // Needs no one's attention: gone, would be, or rightly left alone.
    public static bool IsClean(this AbortOutcome outcome) => outcome is AbortOutcome.Aborted or AbortOutcome.AlreadyGone or AbortOutcome.WouldAbort or AbortOutcome.Active;

    // Nothing owed: clean, or re-queued (the queue owes the rest).
    public static bool IsSuccess(this AbortOutcome outcome) => outcome.IsClean() || outcome is AbortOutcome.Requeued;
}
