namespace MultipartAbort.Core.Handlers;

/// <summary>What one drain did. Settled: deleted (final, or next attempt written); Gone: settled by another drain meanwhile.</summary>
public sealed record RetryLedgerDrainResult(int Due, int Settled, int Kept, int Gone, bool StoppedEarly, OutcomeCounts Counts)
{
    // Already run once by this drain.
    public int Deferred { get; init; }

    public int DeadLettered { get; init; }

    public InvocationResult ToInvocationResult() => new([], Counts) { Drain = this };

    public override string ToString() =>
        $"retry ledger drain: {Due} due, {Settled} settled, {Kept} kept for a later drain, {DeadLettered} dead-lettered, {Gone} already taken by another drain, {Deferred} deferred to the next drain{(StoppedEarly ? ", stopped early (deadline)" : "")}";
}
