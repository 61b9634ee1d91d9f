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

    // By their JSON names, in the order every rendering lists them.
    internal (string Name, UploadFigures Figures)[] Coverages => [("covered", Covered), ("notCovered", NotCovered), ("coverageUnknown", CoverageUnknown), ("reapedByStore", ReapedByStore)];

    // The unknown age band, and the last two coverages, only when some upload is in them.
    internal IEnumerable<(AgeBand Band, UploadFigures Figures)> Ages => AgeBands.All.Where(b => b != AgeBand.Unknown || Bands[(int)b].Uploads > 0).Select(b => (b, Bands[(int)b]));

    internal (string Name, UploadFigures Figures)[] Named => [("active", Active), ("idle", Idle), .. Coverages[..2], .. Coverages[2..].Where(c => c.Figures.Uploads > 0)];

    // An unreadable configuration never counts as covered.
    public long BytesNotKnownCovered => NotCovered.Bytes + CoverageUnknown.Bytes;

    internal void Add(ReportedUpload upload, AgeBand band)
    {
        foreach (var cell in new[] { Total, Bands[(int)band], upload.Active ? Active : Idle, Coverage[(int)upload.Coverage.State] })
            cell.Add(upload.Parts, upload.Bytes, upload.Initiated);
    }

    public Breakdown Add(Breakdown other)
    {
        foreach (var (mine, theirs) in Cells.Zip(other.Cells))
            mine.Add(theirs);
        return this;
    }

    private UploadFigures[] Cells => [Total, Active, Idle, .. Bands, .. Coverage];
}
