using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Sweep;

/// <summary>A snapshot of a running sweep for progress displays.</summary>
public sealed record SweepProgress(long Pages, long Listed, long Matched, long Done, OutcomeCounts Counts)
{
    public TimeSpan Elapsed { get; init; }

    /// <summary>Uploads taken and not finished yet.</summary>
    public long InFlight => Math.Max(0, Matched - Done);

    /// <summary>Uploads allowed in flight now (the adaptive limit, or the pinned number).</summary>
    public int Concurrency { get; init; }

    /// <summary>True for the last report of a sweep.</summary>
    public bool Final { get; init; }

    public double UploadsPerSecond => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;
}
