namespace MultipartAbort.Core.Sweep;

/// <summary>A snapshot of a running sweep for progress displays.</summary>
public sealed record SweepProgress(long Pages, long Listed, long Matched, long Done, OutcomeCounts Counts)
{
    public TimeSpan Elapsed { get; init; }

    public long InFlight => Math.Max(0, Matched - Done);

    // The adaptive limit, or the pinned number.
    public int Concurrency { get; init; }

    public bool Final { get; init; }

    public double UploadsPerSecond => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;
}
