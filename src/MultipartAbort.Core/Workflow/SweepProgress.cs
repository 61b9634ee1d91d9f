using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Workflow;

/// <summary>A snapshot of a running sweep, for progress displays.</summary>
public sealed record SweepProgress(long Pages, long Listed, long Matched, long Done, OutcomeCounts Counts);
