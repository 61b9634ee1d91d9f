using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Sweep;

/// <summary>What one sweep (or shard, or fan-out) did: summary, outcomes, and the first non-clean results.</summary>
public sealed record SweepOutcome(SweepSummary Summary, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);

/// <summary>What several sweeps did: each one's summary, the counts of all, the non-clean results of each.</summary>
public sealed record FleetSweep(IReadOnlyList<SweepSummary> Summaries, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);
