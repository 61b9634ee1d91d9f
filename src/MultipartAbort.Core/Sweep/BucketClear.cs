namespace MultipartAbort.Core.Sweep;

/// <summary>Clear one bucket (or prefix) of its incomplete uploads; unconfirmed, a dry run.</summary>
public sealed record ClearRequest(string Bucket)
{
    public string? Prefix { get; init; }

    public bool Confirmed { get; init; }
}

public sealed record ClearResult
{
    public required ClearRequest Request { get; init; }

    // olderThan PT0S, MIN_IDLE off.
    public required SweepSummary Sweep { get; init; }

    public required IReadOnlyList<AbortResult> Notable { get; init; }

    public bool DryRun => Sweep.DryRun;

    public string? Refused { get; init; }

    // Null when not listed (dry run, refused, failed).
    public long? UploadsRemaining { get; init; }

    // Left on purpose.
    public long YoungerThanMinUploadAge { get; init; }

    public long OutsideAllowedPrefixes { get; init; }

    public string? RemainingError { get; init; }

    public BucketContents? Contents { get; init; }
    public string? ContentsError { get; init; }

    // Uploads outside this clear's reach (a prefix, ALLOWED_PREFIXES) mean it cannot empty the bucket.
    public bool PrefixBound { get; init; }

    public bool Cleared => Refused is null && !DryRun && Sweep.Complete && Sweep.Counts.AllSucceeded && UploadsRemaining == 0;

    public bool Deletable => Cleared && !PrefixBound && Contents is { ObjectsRemain: false, VersionsRemain: false };

    // A real clear succeeds only when the listing is verified empty.
    public bool Succeeded => DryRun ? Refused is null && Sweep.Complete && Sweep.Counts.AllSucceeded : Cleared;

    public bool Interrupted => Sweep.StopReason == SweepRunner.StopInterrupted;

    public string Json() => ClearJson.Text(this);

    public IReadOnlyList<string> Lines() => ClearTable.Lines(this);
}

/// <summary><c>mpa clear</c>: a sweep with the activity floors off, a verifying listing, and what else blocks DeleteBucket.</summary>
internal sealed class BucketClear(SweepRunner sweeps, FleetScan scan, IBucketContents? contents, Settings settings, TimeProvider time)
{
    public async Task<ClearResult> RunAsync(ClearRequest clear, Invocation invocation)
    {
        var sweep = new SweepRequest(clear.Bucket, TimeSpan.Zero)
        {
            Prefix = clear.Prefix,
            DryRun = !clear.Confirmed,
            MinIdle = TimeSpan.Zero,
        };
        var prefixBound = clear.Prefix is { Length: > 0 } || settings.Access.Prefixes.Count > 0;
        // Only an operator who allowed young uploads may take uploads of any age.
        var refused = settings.Access.CheckSweep(clear.Bucket, clear.Prefix)
            ?? (SweepRunner.BelowFloor(sweep, settings, invocation) is { } floor ? $"clear needs an operator's consent to young uploads: {floor.Problem}" : null);
        if (refused is not null)
        {
            var rejected = AbortResult.Rejected(clear.Bucket, clear.Prefix, null, 0, refused);
            var counts = new OutcomeCounts();
            counts.Add(rejected);
            var summary = new SweepSummary { Bucket = clear.Bucket, Prefix = clear.Prefix, OlderThan = IsoDuration.Format(TimeSpan.Zero), DryRun = sweep.DryRun || settings.DryRun, Counts = counts };
            return new ClearResult { Request = clear, Sweep = summary, Notable = [rejected], Refused = refused, PrefixBound = prefixBound };
        }
        var (swept, _, notable) = await sweeps.RunAsync(sweep, invocation).ConfigureAwait(false);
        var result = new ClearResult { Request = clear, Sweep = swept, Notable = notable, PrefixBound = prefixBound };
        if (swept.StopReason == SweepRunner.StopInterrupted)
            return result;
        if (!swept.DryRun)
            result = await CountRemainingAsync(result, invocation).ConfigureAwait(false);
        return await ReadContentsAsync(result, invocation).ConfigureAwait(false);
    }

    private async Task<ClearResult> CountRemainingAsync(ClearResult result, Invocation invocation)
    {
        var young = settings.MinUploadAge is { } minAge ? TimeBounds.Add(time.GetUtcNow(), -minAge) : (DateTimeOffset?)null;
        var listing = scan.List(new UploadListing(result.Request.Bucket) { Prefix = result.Request.Prefix }, invocation);
        long remaining = 0, youngCount = 0, outside = 0;
        await foreach (var upload in listing.Uploads().ConfigureAwait(false))
        {
            remaining++;
            if (!settings.Access.IsKeyAllowed(upload.Key))
                outside++;
            else if (young is { } cut && (upload.Initiated is not { } at || at > cut))
                youngCount++;
        }
        if (listing.StopReason is { } stop)
            return result with { RemainingError = listing.Error?.Message ?? $"the verifying listing stopped ({stop})" };
        return result with { UploadsRemaining = remaining, YoungerThanMinUploadAge = youngCount, OutsideAllowedPrefixes = outside };
    }

    private async Task<ClearResult> ReadContentsAsync(ClearResult result, Invocation invocation)
    {
        if (contents is null)
            return result with { ContentsError = "this store cannot list objects" };
        try
        {
            return result with { Contents = await contents.ReadContentsAsync(result.Request.Bucket, invocation.Work).ConfigureAwait(false) };
        }
        catch (StoreException ex)
        {
            return result with { ContentsError = ex.Message };
        }
    }
}
