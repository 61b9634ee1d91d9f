namespace MultipartAbort.Core.Model;

public static class AbortOutcomeNames
{
    public const string Aborted = "aborted";
    public const string AlreadyGone = "already-gone";
    public const string Requeued = "requeued";
    public const string DeadLettered = "dead-lettered";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
    public const string WouldAbort = "would-abort";
    public const string Active = "active";

    // In the order summaries list them.
    public static IReadOnlyList<AbortOutcome> All { get; } = Enum.GetValues<AbortOutcome>();

    public static string ToWireName(this AbortOutcome outcome) =>
        outcome switch
        {
            AbortOutcome.Aborted => Aborted,
            AbortOutcome.AlreadyGone => AlreadyGone,
            AbortOutcome.Requeued => Requeued,
            AbortOutcome.DeadLettered => DeadLettered,
            AbortOutcome.Rejected => Rejected,
            AbortOutcome.Failed => Failed,
            AbortOutcome.WouldAbort => WouldAbort,
            AbortOutcome.Active => Active,
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
        };

    // Needs no one's attention: gone, would be, or rightly left alone.
    public static bool IsClean(this AbortOutcome outcome) => outcome is AbortOutcome.Aborted or AbortOutcome.AlreadyGone or AbortOutcome.WouldAbort or AbortOutcome.Active;

    // Nothing owed: clean, or re-queued (the queue owes the rest).
    public static bool IsSuccess(this AbortOutcome outcome) => outcome.IsClean() || outcome is AbortOutcome.Requeued;
}
