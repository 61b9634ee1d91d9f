namespace MultipartAbort.Core.Report;

/// <summary>One bucket's or prefix's figures: in all, by age band, and active (within MIN_IDLE) or idle.</summary>
public sealed class Breakdown
{
    public UploadFigures Total { get; } = new();
    public UploadFigures[] Bands { get; } = AgeBands.All.Select(_ => new UploadFigures()).ToArray();
    public UploadFigures Active { get; } = new();
    public UploadFigures Idle { get; } = new();

    public void Add(long parts, long bytes, DateTimeOffset? initiated, AgeBand band, bool active)
    {
        Total.Add(parts, bytes, initiated);
        Bands[(int)band].Add(parts, bytes, initiated);
        (active ? Active : Idle).Add(parts, bytes, initiated);
    }
}
