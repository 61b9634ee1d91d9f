using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Sweep;

/// <summary>What one sweep (or shard, or fan-out) did: its summary, the outcomes of every upload, and the first non-clean results.</summary>
/// <param name="Notable">At most <see cref="SweepRunner.MaxReportedResults"/> results that did not end clean; the counts cover every upload.</param>
public sealed record SweepOutcome(SweepSummary Summary, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);

/// <summary>What several sweeps did (a fleet, SWEEP_TARGETS): each one's summary, the counts of all, the non-clean results of each.</summary>
public sealed record FleetSweep(IReadOnlyList<SweepSummary> Summaries, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);
