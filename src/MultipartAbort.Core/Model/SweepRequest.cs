namespace MultipartAbort.Core.Model;

public sealed record SweepRequest(string Bucket, TimeSpan OlderThan)
{
    public string? Prefix { get; init; }
    public bool DryRun { get; init; }

    // Where a continuation resumes.
    public string? KeyMarker { get; init; }
    public string? UploadIdMarker { get; init; }

    // A guard against a sweep that never ends.
    public int Attempt { get; init; }

    // Null: the function's; zero: not checked.
    public TimeSpan? MinIdle { get; init; }

    public TimeSpan? MaxAge { get; init; }

    // Active uploads are always counted; this lists them too.
    public bool ShowActive { get; init; }

    // The listing still covers the whole range.
    public SweepShard? Shard { get; init; }

    // Do not sweep: send this many shard requests to the retry queue.
    public int? FanOut { get; init; }

    public override string ToString() =>
        $"s3://{Bucket}/{Prefix} older than {Configuration.IsoDuration.Format(OlderThan)}{(Shard is { } shard ? $" shard {shard}" : "")}{(DryRun ? " (dry run)" : "")}";
}
