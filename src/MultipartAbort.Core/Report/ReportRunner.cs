namespace MultipartAbort.Core.Report;

/// <summary>The report: adds up as it lists so memory stays flat, and tells each upload's lifecycle coverage. Never aborts.</summary>
internal sealed class ReportRunner(IObjectStore store, ILifecycleRules? lifecycle, FleetScan scan, Settings settings, StructuredLogger log, TimeProvider time)
{
    internal const string NoLifecycleAdapter = "this store adapter does not read lifecycle rules";
    private const string OutOfTime = "the invocation's time ran out; the figures cover what was listed";

    // uploads sees each upload as it is counted (concurrently across buckets): rows are streamed, never kept.
    public async Task<IncompleteUploadReport> RunAsync(ReportRequest request, Invocation invocation, IProgress<ReportProgress>? progress = null, Action<string, ReportedUpload>? uploads = null)
    {
        var now = time.GetUtcNow();
        var minIdle = request.MinIdle ?? settings.MinIdle;
        var top = Math.Max(0, request.Top);
        var selection = await scan.SelectAsync(request.Buckets, request.AllBuckets, invocation.Work).ConfigureAwait(false);
        var readable = selection.Buckets.Select(b => new BucketReport(b, top, request.By)).ToArray();
        var counted = 0L;
        var started = await FleetScan
            .ForEachBucketAsync(
                readable.Length,
                () => invocation.StopTaking,
                i => ReadAsync(readable[i], request.Depth, minIdle, now, invocation, u =>
                {
                    uploads?.Invoke(readable[i].Bucket, u);
                    progress?.Report(new ReportProgress(readable[i].Bucket, Interlocked.Increment(ref counted)));
                })
            )
            .ConfigureAwait(false);
        foreach (var bucket in readable.Skip(started))
            bucket.Error = "not read: the invocation's time ran out first";
        var refused = selection.Refused.Select(r => new BucketReport(r.Bucket, top, request.By) { Error = r.Error });
        return new IncompleteUploadReport(now, minIdle, request.Depth, request.PricePerGbMonth, request.PriceName, [.. readable.Concat(refused).OrderBy(b => b.Bucket, StringComparer.Ordinal)])
        {
            By = request.By,
            ByTop = Math.Clamp(request.ByTop, 0, Showback.MaxTop),
        };
    }

    private async Task ReadAsync(BucketReport bucket, int depth, TimeSpan minIdle, DateTimeOffset now, Invocation invocation, Action<ReportedUpload> counted)
    {
        var ct = invocation.Work;
        var read = await ReadRulesAsync(bucket.Bucket, ct).ConfigureAwait(false);
        var rules = bucket.Rules = read.Rules;
        bucket.LifecycleError = read.Error;
        var listing = scan.List(new UploadListing(bucket.Bucket), invocation);
        var cutOff = false;
        await scan
            .VisitAsync(
                listing,
                _ => true,
                async upload =>
                {
                    PartsCensus census;
                    try
                    {
                        census = await PartsCensus.TakeAsync(store, new UploadRef(bucket.Bucket, upload.Key, upload.UploadId), ct).ConfigureAwait(false);
                    }
                    catch (StoreException ex)
                    {
                        bucket.AddUnreadable(ex.Message);
                        return;
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        cutOff = true;
                        return;
                    }
                    if (!census.Exists)
                    {
                        bucket.AddVanished();
                        return;
                    }
                    var active = PartsCensus.IsActive(census.NewestPart ?? upload.Initiated, now, minIdle);
                    var coverage = LifecycleCoverage.Reconcile(LifecycleCoverage.Of(rules, upload.Key, upload.Initiated, lifecycle?.ReapsByItself), census.AbortDate, census.AbortRuleId);
                    var reported = new ReportedUpload(upload.Key, upload.UploadId, upload.Initiated, census.NewestPart, census.Parts, census.Bytes, active) { Coverage = coverage, Initiator = upload.Initiator, Owner = upload.Owner };
                    bucket.Add(reported, depth > 0 ? BucketReport.PrefixOf(upload.Key, depth) : null, AgeBands.Of(upload.Initiated, now));
                    counted(reported);
                }
            )
            .ConfigureAwait(false);
        var stopped = listing.StopReason switch
        {
            BucketListing.StopListingFailed => listing.Error!.Message,
            null when !cutOff => null,
            _ => OutOfTime,
        };
        if (stopped is not null)
        {
            bucket.Error = stopped;
            // Debug only: the report names the error, and its runner says so once.
            log.Log(LogLevel.Debug, $"report of s3://{bucket.Bucket}/: {stopped}");
        }
        bucket.Complete = stopped is null && bucket.Unreadable == 0;
    }

    // Null (coverage unknown) with the reason when they cannot be read.
    internal async Task<(IReadOnlyList<LifecycleAbortRule>? Rules, string? Error)> ReadRulesAsync(string bucket, CancellationToken ct)
    {
        if (lifecycle is null)
            return (null, NoLifecycleAdapter);
        try
        {
            return (await lifecycle.ReadAbortRulesAsync(bucket, ct).ConfigureAwait(false), null);
        }
        catch (StoreException ex)
        {
            return (null, ex.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return (null, OutOfTime);
        }
    }
}

public readonly record struct ReportProgress(string Bucket, long Uploads);
