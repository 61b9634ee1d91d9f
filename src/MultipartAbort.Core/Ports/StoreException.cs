namespace MultipartAbort.Core.Ports;

/// <summary>A store call failed for a reason other than a missing upload.</summary>
public sealed class StoreException(string operation, string message, bool isTransient, string? errorCode = null, Exception? inner = null)
    : Exception($"{operation} failed: {message}", inner)
{
    public string Operation { get; } = operation;

    /// <summary>The S3 error code when the server gave one (AccessDenied, NoSuchBucket, SlowDown...).</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>False for errors a retry cannot fix (access denied, no such bucket, invalid request).</summary>
    public bool IsTransient { get; } = isTransient;

    /// <summary>The bucket does not exist: a typo, a wrong endpoint or region, never a clean upload.</summary>
    public bool IsBucketMissing => ErrorCode == "NoSuchBucket";

    /// <summary>Refused for load (SlowDown, throttling) or timed out: send less at once; retrying later is safe.</summary>
    public bool IsThrottling => IsTransient && IsThrottlingCode(ErrorCode);

    /// <summary>An error code by which a store says "too much at once" (or that the request timed out).</summary>
    public static bool IsThrottlingCode(string? errorCode) =>
        errorCode is "SlowDown" or "Throttling" or "ThrottlingException" or "ThrottledException" or "RequestLimitExceeded" or "TooManyRequests"
            or "TooManyRequestsException" or "RequestThrottled" or "ServiceUnavailable" or "RequestTimeout";
}
