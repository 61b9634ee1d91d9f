namespace MultipartAbort.Core.Model;

public sealed record InvocationResult(IReadOnlyList<AbortResult> Results, OutcomeCounts Summary)
{
    public IReadOnlyList<SweepSummary> Sweeps { get; init; } = [];

    // Even for one sweep: a run over many buckets keeps its shape whatever it finds.
    public bool SweepsAsList { get; init; }

    public Report.IncompleteUploadReport? Report { get; init; }

    internal Handlers.RetryLedgerDrainResult? Drain { get; init; }

    public IReadOnlyList<string> Skipped { get; init; } = [];

    public bool AllSucceeded => Summary.AllSucceeded && Sweeps.All(s => s.Failed == 0 && s.DeadLettered == 0) && Report?.Complete != false;

    public static InvocationResult From(IReadOnlyList<AbortResult> results)
    {
        var counts = new OutcomeCounts();
        foreach (var r in results)
            counts.Add(r);
        return new InvocationResult(results, counts);
    }
}
