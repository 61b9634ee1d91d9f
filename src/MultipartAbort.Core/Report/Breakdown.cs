namespace MultipartAbort.Core.Report;

/// <summary>One bucket's or prefix's figures: in all, by age band, active or idle, and by lifecycle coverage.</summary>
public sealed class Breakdown
{
    public UploadFigures Total { get; } = new();
    public UploadFigures[] Bands { get; } = AgeBands.All.Select(_ => new UploadFigures()).ToArray();
    public UploadFigures Active { get; } = new();
    public UploadFigures Idle { get; } = new();

    public UploadFigures[] Coverage { get; } = Enum.GetValues<CoverageState>().Select(_ => new UploadFigures()).ToArray();

    public UploadFigures Covered => Coverage[(int)CoverageState.Covered];
    public UploadFigures NotCovered => Coverage[(int)CoverageState.NotCovered];
    public UploadFigures CoverageUnknown => Coverage[(int)CoverageState.Unknown];
    public UploadFigures ReapedByStore => Coverage[(int)CoverageState.ByStore];

    // An unreadable configuration never counts as covered.
    public long BytesNotKnownCovered => NotCovered.Bytes + CoverageUnknown.Bytes;

    internal void Add(long parts, long bytes, DateTimeOffset? initiated, AgeBand band, bool active, CoverageState coverage)
    {
        Total.Add(parts, bytes, initiated);
        Bands[(int)band].Add(parts, bytes, initiated);
        (active ? Active : Idle).Add(parts, bytes, initiated);
        Coverage[(int)coverage].Add(parts, bytes, initiated);
    }

    public void Add(Breakdown other)
    {
        Total.Add(other.Total);
        Active.Add(other.Active);
        Idle.Add(other.Idle);
        for (var b = 0; b < Bands.Length; b++)
            Bands[b].Add(other.Bands[b]);
        for (var c = 0; c < Coverage.Length; c++)
            Coverage[c].Add(other.Coverage[c]);
    }
}
