using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Sweep;

/// <summary>What one sweep (or shard, or fan-out) did: its summary, the outcomes of every upload, and the first non-clean results.</summary>
/// <param name="Notable">At most <see cref="SweepRunner.MaxReportedResults"/> results that did not end clean; the counts cover every upload.</param>
public sealed record SweepOutcome(SweepSummary Summary, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable);
