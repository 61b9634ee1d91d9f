namespace MultipartAbort.Core.Report;

/// <summary>Uploads, parts and bytes of one report cell. Not thread-safe: the report adds under one lock.</summary>
public sealed class UploadFigures
{
    public long Uploads { get; private set; }
    public long Parts { get; private set; }
    public long Bytes { get; private set; }

    public DateTimeOffset? Oldest { get; private set; }

    public void Add(long parts, long bytes, DateTimeOffset? initiated) => Add(1, parts, bytes, initiated);

    public void Add(UploadFigures other) => Add(other.Uploads, other.Parts, other.Bytes, other.Oldest);

    private void Add(long uploads, long parts, long bytes, DateTimeOffset? oldest)
    {
        Uploads += uploads;
        Parts += parts;
        Bytes += bytes;
        if (oldest is { } at && (Oldest is null || at < Oldest))
            Oldest = at;
    }

    // A GB of 2^30 bytes, as S3 and COS bill.
    public double MonthlyCost(decimal pricePerGbMonth) => Math.Round(Bytes / (double)(1L << 30) * (double)pricePerGbMonth, 4);
}
