namespace MultipartAbort.Core.Model;

/// <summary>The answer to one event: a result per request and the counts by outcome.</summary>
public sealed record InvocationResult(IReadOnlyList<AbortResult> Results, OutcomeCounts Summary)
{
    public IReadOnlyList<SweepSummary> Sweeps { get; init; } = [];

    /// <summary>Write <c>summary.sweeps</c> (a list) even for one sweep: a run over many buckets keeps its shape whatever it finds.</summary>
    public bool SweepsAsList { get; init; }

    /// <summary>What a report event found (read-only); null for other requests.</summary>
    public Report.IncompleteUploadReport? Report { get; init; }

    /// <summary>What a drain of the cos:// retry ledger did (a tick, <c>mpa drain</c>); null when none ran.</summary>
    internal Handlers.RetryLedgerDrainResult? Drain { get; init; }

    /// <summary>What a tick did not reach, each naming the part and why (<c>report: deadline</c>).</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];

    /// <summary>True when every request ended in aborted, already-gone, would-abort or requeued.</summary>
    public bool AllSucceeded => Summary.AllSucceeded && Sweeps.All(s => s.Failed == 0 && s.DeadLettered == 0) && Report?.Complete != false;

    public static InvocationResult From(IReadOnlyList<AbortResult> results)
    {
        var counts = new OutcomeCounts();
        foreach (var r in results)
            counts.Add(r);
        return new InvocationResult(results, counts);
    }
}
