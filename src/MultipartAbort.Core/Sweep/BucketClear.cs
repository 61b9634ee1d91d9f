using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Sweep;

/// <summary>Clear one bucket (or prefix) of its incomplete uploads; unconfirmed, it only says what it would abort.</summary>
public sealed record ClearRequest(string Bucket)
{
    public string? Prefix { get; init; }

    /// <summary>The operator said yes: abort. False: a dry run, nothing changes.</summary>
    public bool Confirmed { get; init; }
}

/// <summary>What a clear did, what ListMultipartUploads still shows and why, and what else still blocks DeleteBucket.</summary>
public sealed record ClearResult
{
    public required ClearRequest Request { get; init; }

    /// <summary>The sweep that did the work (olderThan PT0S, MIN_IDLE off).</summary>
    public required SweepSummary Sweep { get; init; }

    /// <summary>The uploads that did not end clean (at most <see cref="SweepRunner.MaxReportedResults"/>).</summary>
    public required IReadOnlyList<AbortResult> Notable { get; init; }

    /// <summary>Nothing changed: not confirmed, or DRY_RUN.</summary>
    public bool DryRun => Sweep.DryRun;

    /// <summary>Why the clear did not run at all (ALLOWED_BUCKETS, ALLOWED_PREFIXES, a floor); null when it ran.</summary>
    public string? Refused { get; init; }

    /// <summary>Uploads ListMultipartUploads still shows after the clear (within the prefix); null when not listed (dry run, refused, failed).</summary>
    public long? UploadsRemaining { get; init; }

    /// <summary>Of <see cref="UploadsRemaining"/>: younger than MIN_UPLOAD_AGE, left on purpose.</summary>
    public long YoungerThanMinUploadAge { get; init; }

    /// <summary>Of <see cref="UploadsRemaining"/>: outside ALLOWED_PREFIXES, never touched.</summary>
    public long OutsideAllowedPrefixes { get; init; }

    /// <summary>Why the final listing could not be read; null when it was.</summary>
    public string? RemainingError { get; init; }

    /// <summary>Objects and versions of the whole bucket; null when not read (refused) or the read failed (<see cref="ContentsError"/>).</summary>
    public BucketContents? Contents { get; init; }
    public string? ContentsError { get; init; }

    /// <summary>True when uploads outside this clear's reach (a prefix, ALLOWED_PREFIXES) mean it cannot empty the bucket.</summary>
    public bool PrefixBound { get; init; }

    /// <summary>Every upload taken ended clean and the final ListMultipartUploads shows none.</summary>
    public bool Cleared => Refused is null && !DryRun && Sweep.Complete && Sweep.Counts.AllSucceeded && UploadsRemaining == 0;

    /// <summary>DeleteBucket would succeed as far as this clear can tell: no upload, object or version left.</summary>
    public bool Deletable => Cleared && !PrefixBound && Contents is { ObjectsRemain: false, VersionsRemain: false };
}

/// <summary>
/// <c>mpa clear</c>: the sweep of one bucket with the activity floors off (an operator's choice, through the invocation:
/// <see cref="SweepRunner.BelowFloor"/>), MIN_UPLOAD_AGE, ALLOWED_* and DRY_RUN holding; then one more listing to verify
/// it is empty and a look at what else blocks DeleteBucket. Objects are never deleted.
/// </summary>
public sealed class BucketClear(SweepRunner sweeps, FleetScan scan, IBucketContents? contents, Settings settings, TimeProvider time)
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
        // The one rule for floors: only an operator who allowed young uploads may take uploads of any age.
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

    /// <summary>The verifying listing, through the same guarded listing; each upload left is put down to its reason.</summary>
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
