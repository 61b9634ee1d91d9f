using System.Security.Cryptography;

namespace MultipartAbort.Adapters;

/// <summary>
/// Headers the SDK does not send but stores require, added under the SDK (after it signs; neither is a signed header):
/// <list type="bullet">
/// <item><c>Content-MD5</c> on PUT ?lifecycle: S3 documents it as required, and IBM COS (and MinIO) refuse the PUT
/// without it, while AWSSDK.S3 v4 sends a CRC32 checksum instead (aws-sdk-net issue 3977). Computed from the body as
/// sent, whatever the SDK's checksum settings.</item>
/// <item><c>ibm-service-instance-id</c> on ListBuckets (GET /) when COS_SERVICE_INSTANCE_ID is set: IBM COS lists the
/// buckets of that service instance only when told which one.</item>
/// </list>
/// </summary>
internal sealed class StoreHeadersHandler(string? serviceInstanceId) : DelegatingHandler
{
    public const string ServiceInstanceHeader = "ibm-service-instance-id";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        if (request.Method == HttpMethod.Put && request.Content is { } content && IsLifecycle(uri) && content.Headers.ContentMD5 is null)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            content.Headers.ContentMD5 = MD5.HashData(await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        }
        if (serviceInstanceId is not null && request.Method == HttpMethod.Get && IsListBuckets(uri) && !request.Headers.Contains(ServiceInstanceHeader))
            request.Headers.TryAddWithoutValidation(ServiceInstanceHeader, serviceInstanceId);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// GET / with ListBuckets' parameters only: with virtual-hosted addressing, a bucket's own GET / (ListMultipartUploads
    /// ?uploads, ?lifecycle, ListObjectsV2 ?list-type) has the same path, and must not carry the header.
    /// </summary>
    private static bool IsListBuckets(Uri uri) =>
        uri.AbsolutePath == "/"
        && uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).All(p => ListBucketsParameters.Contains(p.Split('=')[0]));

    private static readonly HashSet<string> ListBucketsParameters = new(StringComparer.Ordinal) { "max-buckets", "continuation-token", "prefix", "bucket-region", "x-id" };

    /// <summary>?lifecycle, alone or among other query parameters (path-style or virtual-hosted).</summary>
    private static bool IsLifecycle(Uri uri) =>
        uri.Query.TrimStart('?').Split('&').Any(p => p == "lifecycle" || p.StartsWith("lifecycle=", StringComparison.Ordinal));
}
