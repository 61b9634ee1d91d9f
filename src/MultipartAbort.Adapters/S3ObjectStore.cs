namespace MultipartAbort.Adapters;

/// <param name="partsPageSize">max-parts per ListParts page; null for the server's default.</param>
public sealed class S3ObjectStore(IAmazonS3 s3, int? partsPageSize = null) : IObjectStore, IBucketDirectory, ILifecycleRules, IBucketContents, IObjectWriter
{
    public const string NoSuchUpload = "NoSuchUpload";

    private readonly Doctor.StoreIdentity _identity = new(s3);

    public StoreReaping? ReapsByItself => _identity.Profile?.Reaps;

    public async Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
    {
        var request = new AbortMultipartUploadRequest
        {
            BucketName = upload.Bucket,
            Key = upload.Key,
            UploadId = upload.UploadId,
            ExpectedBucketOwner = upload.ExpectedBucketOwner,
        };
        if (upload.RequestPayer is not null)
            request.RequestPayer = RequestPayer.Requester;
        try
        {
            await CallAsync("AbortMultipartUpload", () => s3.AbortMultipartUploadAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            return StoreStatus.Ok;
        }
        catch (StoreException ex) when (ex.ErrorCode == NoSuchUpload)
        {
            return StoreStatus.NoSuchUpload;
        }
    }

    public async Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken)
    {
        var request = new ListPartsRequest
        {
            BucketName = upload.Bucket,
            Key = upload.Key,
            UploadId = upload.UploadId,
            ExpectedBucketOwner = upload.ExpectedBucketOwner,
        };
        if (partsPageSize is { } size)
            request.MaxParts = size;
        if (partNumberMarker is { } marker)
            request.PartNumberMarker = marker.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (upload.RequestPayer is not null)
            request.RequestPayer = RequestPayer.Requester;
        try
        {
            var response = await s3.ListPartsAsync(request, cancellationToken).ConfigureAwait(false);
            var parts = response.Parts ?? [];
            var newest = parts.Max(p => p.LastModified);
            return new PartsPage(parts.Count, parts.Sum(p => p.Size ?? 0), response.IsTruncated ?? false, response.NextPartNumberMarker)
            {
                NewestPart = newest is { } n ? Utc(n) : null,
                AbortDate = response.AbortDate is { } due ? Utc(due) : null,
                AbortRuleId = string.IsNullOrEmpty(response.AbortRuleId) ? null : response.AbortRuleId,
            };
        }
        catch (AmazonS3Exception ex) when (IsNoSuchUpload(ex))
        {
            return null;
        }
        catch (Exception ex) when (Translate("ListParts", ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public async Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
    {
        var request = new ListMultipartUploadsRequest
        {
            BucketName = listing.Bucket,
            Prefix = listing.Prefix,
            KeyMarker = listing.KeyMarker,
            UploadIdMarker = listing.UploadIdMarker,
            ExpectedBucketOwner = listing.ExpectedBucketOwner,
        };
        if (listing.MaxUploads is { } max)
            request.MaxUploads = max;
        var response = await CallAsync("ListMultipartUploads", () => s3.ListMultipartUploadsAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        var uploads = (response.MultipartUploads ?? [])
            .Select(u => new ListedUpload(u.Key, u.UploadId, u.Initiated is { } at ? Utc(at) : null)
            {
                Initiator = Principal(u.Initiator?.Id, u.Initiator?.DisplayName),
                Owner = Principal(u.Owner?.Id, u.Owner?.DisplayName),
            })
            .ToArray();
        return new UploadsPage(uploads, response.IsTruncated ?? false, NullIfEmpty(response.NextKeyMarker), NullIfEmpty(response.NextUploadIdMarker));
    }

    /// <summary>No ACL given: the bucket owner's alone.</summary>
    public async Task PutObjectAsync(string bucket, string key, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(body, writable: false);
        var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = stream, ContentType = contentType };
        await CallAsync("PutObject", () => s3.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    // The SDK gives an empty element as empty strings.
    private static UploadPrincipal? Principal(string? id, string? displayName) =>
        string.IsNullOrEmpty(id) && string.IsNullOrEmpty(displayName) ? null : new UploadPrincipal(NullIfEmpty(id), NullIfEmpty(displayName));

    public async Task<IReadOnlyList<LifecycleAbortRule>> ReadAbortRulesAsync(string bucket, CancellationToken cancellationToken) =>
        Lifecycle.BucketLifecycle.AbortRules(await new Lifecycle.BucketLifecycle(s3).ReadAsync(bucket, cancellationToken).ConfigureAwait(false));

    public Task<LifecycleApplied> ApplyAbortRuleAsync(string bucket, int days, string prefix, bool write, CancellationToken cancellationToken) =>
        new Lifecycle.BucketLifecycle(s3).ApplyAsync(bucket, days, prefix, write, cancellationToken);

    public async Task<BucketContents> ReadContentsAsync(string bucket, CancellationToken cancellationToken)
    {
        var listed = await CallAsync("ListObjectsV2", () => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        var objects = (listed.S3Objects?.Count ?? 0) > 0;
        try
        {
            var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            return new BucketContents(objects, (versions.Versions?.Count ?? 0) > 0);
        }
        // Versions need s3:ListBucketVersions, which a cleanup role often lacks; some stores have no versioning API at all.
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "AccessDenied" or "NotImplemented" || ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotImplemented)
        {
            return new BucketContents(objects, null) { VersionsUnknownWhy = $"ListObjectVersions refused ({ex.ErrorCode ?? ((int)ex.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}): needs s3:ListBucketVersions" };
        }
        catch (Exception ex) when (Translate("ListObjectVersions", ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    // A million buckets at 10,000 a page: far past any account's quota.
    private const int MaxBucketPages = 100;

    public async Task<IReadOnlyList<string>> ListBucketsAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        // A repeated token ends it, so a broken server cannot loop.
        for (var page = 0; page < MaxBucketPages; page++)
        {
            var request = new ListBucketsRequest { ContinuationToken = token, MaxBuckets = 10_000 };
            var response = await CallAsync("ListBuckets", () => s3.ListBucketsAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            names.AddRange((response.Buckets ?? []).Select(b => b.BucketName));
            if (NullIfEmpty(response.ContinuationToken) is not { } next || !seen.Add(next))
                break;
            token = next;
        }
        return names;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    // Null for answers a retry or a person reading the code handles.
    private static string? FixFor(string? errorCode) =>
        errorCode switch
        {
            "SignatureDoesNotMatch" => "the store refused the request's signature: check the secret key (COS_SECRET_ACCESS_KEY), the signing region (COS_REGION) and the endpoint",
            "InvalidAccessKeyId" => "the store does not know this access key: check COS_ACCESS_KEY_ID and that it belongs to this endpoint",
            "AccessDenied" => "the credentials lack a permission this call needs (s3:ListBucketMultipartUploads, s3:ListMultipartUploadParts, s3:AbortMultipartUpload): fix the policy, or the bucket name",
            "NoSuchBucket" => "no such bucket at this endpoint: check the bucket name, the endpoint (COS_ENDPOINT) and the region",
            "InvalidToken" or "ExpiredToken" or "TokenRefreshRequired" => "the session token is invalid or expired: check the credentials the function runs with",
            _ => null,
        };

    // "No such upload": NoSuchUpload (S3, COS, moto), NoSuchKey (Ceph RGW looks uploads up as key.uploadId.meta objects),
    // or a bare 404. A missing bucket is NoSuchBucket, never these.
    internal static bool IsNoSuchUpload(AmazonS3Exception ex) =>
        ex.ErrorCode is NoSuchUpload or "NoSuchKey" || (ex.StatusCode == HttpStatusCode.NotFound && string.IsNullOrEmpty(ex.ErrorCode));

    internal static Task<T> CallAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken) =>
        FailureKind.CallAsync(call, ex => Translate(operation, ex, cancellationToken));

    // Null only for the caller's cancellation.
    internal static StoreException? Translate(string operation, Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            return null;
        var (transient, message, code) = FailureKind.Classify(ex);
        return new StoreException(operation, FixFor(code) is { } fix ? $"{message}; {fix}" : message, transient, code, ex);
    }

    // S3 sends ISO-8601 with Z; a Local time is converted, never re-labelled.
    private static DateTimeOffset Utc(DateTime at) =>
        at.Kind == DateTimeKind.Local ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
