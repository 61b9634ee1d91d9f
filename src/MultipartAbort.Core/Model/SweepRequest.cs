namespace MultipartAbort.Core.Model;

/// <summary>Abort every upload of a bucket (and prefix) initiated longer ago than <see cref="OlderThan"/>.</summary>
public sealed record SweepRequest(string Bucket, TimeSpan OlderThan)
{
    public string? Prefix { get; init; }
    public bool DryRun { get; init; }

    /// <summary>Where a continuation resumes: the listing starts after this key / upload id.</summary>
    public string? KeyMarker { get; init; }
    public string? UploadIdMarker { get; init; }

    /// <summary>How many continuations led here (a guard against a sweep that never ends).</summary>
    public int Attempt { get; init; }

    /// <summary>MIN_IDLE for this sweep; null: the function's; zero: not checked.</summary>
    public TimeSpan? MinIdle { get; init; }

    /// <summary>MAX_UPLOAD_AGE for this sweep: an older upload is taken even while active; null: the function's.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>List the uploads left alone as active in the answer's results (they are always counted).</summary>
    public bool ShowActive { get; init; }

    /// <summary>Act only on the uploads of this shard (the listing still covers the whole range).</summary>
    public SweepShard? Shard { get; init; }

    /// <summary>Do not sweep: send this many shard requests (0/N ... N-1/N) to the retry queue, one worker each.</summary>
    public int? FanOut { get; init; }

    public override string ToString() =>
        $"s3://{Bucket}/{Prefix} older than {Configuration.IsoDuration.Format(OlderThan)}{(Shard is { } shard ? $" shard {shard}" : "")}{(DryRun ? " (dry run)" : "")}";
}
