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

    /// <summary>Every outcome, in the order summaries list them.</summary>
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

    /// <summary>True for the outcomes that need no one's attention: the upload is gone, would be, or was rightly left alone.</summary>
    public static bool IsClean(this AbortOutcome outcome) => outcome is AbortOutcome.Aborted or AbortOutcome.AlreadyGone or AbortOutcome.WouldAbort or AbortOutcome.Active;

    /// <summary>True for the outcomes after which nothing is owed: clean, or re-queued (the queue owes the rest).</summary>
    public static bool IsSuccess(this AbortOutcome outcome) => outcome.IsClean() || outcome is AbortOutcome.Requeued;
}
