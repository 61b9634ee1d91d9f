using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

/// <summary>What one drain of the retry ledger did.</summary>
/// <param name="Settled">Entries deleted: outcome final, or next attempt written.</param>
/// <param name="Kept">Entries left for a later drain.</param>
/// <param name="Gone">Entries another drain settled between the listing and the read.</param>
public sealed record RetryLedgerDrainResult(int Due, int Settled, int Kept, int Gone, bool StoppedEarly, OutcomeCounts Counts)
{
    /// <summary>Entries left for the next drain because this drain already ran them once.</summary>
    public int Deferred { get; init; }

    /// <summary>Entries run MAX_ATTEMPTS times without being settled, now in the dead-letter queue with that reason.</summary>
    public int DeadLettered { get; init; }

    /// <summary>The drain as a SPEC result (a summary, no per-upload results), for hosts that answer with one.</summary>
    public InvocationResult ToInvocationResult() => new([], Counts) { Drain = this };

    public override string ToString() =>
        $"retry ledger drain: {Due} due, {Settled} settled, {Kept} kept for a later drain, {DeadLettered} dead-lettered, {Gone} already taken by another drain, {Deferred} deferred to the next drain{(StoppedEarly ? ", stopped early (deadline)" : "")}";
}
