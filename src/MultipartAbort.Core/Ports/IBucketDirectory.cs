namespace MultipartAbort.Core.Ports;

/// <summary>The buckets the credentials can list (ListBuckets, every page).</summary>
public interface IBucketDirectory
{
    Task<IReadOnlyList<string>> ListBucketsAsync(CancellationToken cancellationToken);
}
