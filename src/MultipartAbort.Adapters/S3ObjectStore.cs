using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Adapters;

/// <summary>The store port on AWSSDK.S3: IBM COS, AWS S3 or any S3-compatible server.</summary>
/// <param name="s3">The SDK client.</param>
/// <param name="partsPageSize">max-parts per ListParts page; null for the server's default (1,000 on S3 and COS).</param>
public sealed class S3ObjectStore(IAmazonS3 s3, int? partsPageSize = null) : IObjectStore
{
    public const string NoSuchUpload = "NoSuchUpload";

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
            await s3.AbortMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false);
            return StoreStatus.Ok;
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == NoSuchUpload)
        {
            return StoreStatus.NoSuchUpload;
        }
        catch (Exception ex) when (Translate("AbortMultipartUpload", ex, cancellationToken) is { } translated)
        {
            throw translated;
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
            long bytes = 0;
            foreach (var p in parts)
                bytes += p.Size ?? 0;
            return new PartsPage(parts.Count, bytes, response.IsTruncated ?? false, response.NextPartNumberMarker);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == NoSuchUpload || (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is null or ""))
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
        try
        {
            var response = await s3.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
            var uploads = (response.MultipartUploads ?? [])
                .Select(u => new ListedUpload(u.Key, u.UploadId, u.Initiated is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null))
                .ToArray();
            return new UploadsPage(uploads, response.IsTruncated ?? false, NullIfEmpty(response.NextKeyMarker), NullIfEmpty(response.NextUploadIdMarker));
        }
        catch (Exception ex) when (Translate("ListMultipartUploads", ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>
    /// Turns any failure of a store call into a <see cref="StoreException"/> classified by what it is; null only lets
    /// the caller's own cancellation through. Nothing else escapes, so one odd error cannot fail a batch or a sweep.
    /// </summary>
    internal static StoreException? Translate(string operation, Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            return null;
        return ex switch
        {
            AmazonServiceException s when s.StatusCode != 0 || !string.IsNullOrEmpty(s.ErrorCode) => new StoreException(
                operation,
                $"{(string.IsNullOrEmpty(s.ErrorCode) ? "HTTP " + (int)s.StatusCode : s.ErrorCode)}: {s.Message}",
                FailureKind.IsTransientServiceError((int)s.StatusCode, s.ErrorCode),
                s.ErrorCode,
                ex
            ),
            OperationCanceledException => new StoreException(operation, "the request timed out", true, "RequestTimeout", ex),
            _ when FailureKind.IsNetworkFailure(ex) => new StoreException(operation, $"network error: {ex.Message}", true, null, ex),
            // Client-side validation (a bad argument, missing credentials, an unsupported setting): a retry cannot fix it.
            AmazonClientException => new StoreException(operation, $"rejected by the SDK before sending: {ex.Message}", false, null, ex),
            _ => new StoreException(operation, $"unexpected {ex.GetType().Name}: {ex.Message}", false, null, ex),
        };
    }
}
