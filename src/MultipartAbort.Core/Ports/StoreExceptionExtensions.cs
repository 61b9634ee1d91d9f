namespace MultipartAbort.Core.Ports;

public static class StoreExceptionExtensions
{
    public const string NoSuchBucket = "NoSuchBucket";

    /// <summary>The bucket is gone, so no upload in it can remain.</summary>
    public static bool IsBucketMissing(this StoreException ex) => ex.ErrorCode == NoSuchBucket;
}
