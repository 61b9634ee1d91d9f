namespace MultipartAbort.Core.Sweep;

internal sealed record SweepOutcome(SweepSummary Summary, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);
