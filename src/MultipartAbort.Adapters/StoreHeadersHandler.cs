using System.Security.Cryptography;

namespace MultipartAbort.Adapters;

// Unsigned headers the SDK does not send: Content-MD5 on PUT ?lifecycle (COS and MinIO refuse SDK v4's CRC32 alone),
// ibm-service-instance-id on ListBuckets (COS lists no buckets without).
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

    // Virtual-hosted, a bucket's own GET / has the same path and must not get the header.
    private static bool IsListBuckets(Uri uri) =>
        uri.AbsolutePath == "/"
        && uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).All(p => ListBucketsParameters.Contains(p.Split('=')[0]));

    private static readonly HashSet<string> ListBucketsParameters = new(StringComparer.Ordinal) { "max-buckets", "continuation-token", "prefix", "bucket-region", "x-id" };

    // Alone or among other query parameters, path-style or virtual-hosted.
    private static bool IsLifecycle(Uri uri) =>
        uri.Query.TrimStart('?').Split('&').Any(p => p == "lifecycle" || p.StartsWith("lifecycle=", StringComparison.Ordinal));
}
