using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Sweep;

public sealed record SweepOutcome(SweepSummary Summary, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);

public sealed record FleetSweep(IReadOnlyList<SweepSummary> Summaries, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);
