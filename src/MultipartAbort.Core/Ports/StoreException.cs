namespace MultipartAbort.Core.Ports;

/// <summary>A store call failed for a reason other than a missing upload.</summary>
public sealed class StoreException(string operation, string message, bool isTransient, string? errorCode = null, Exception? inner = null)
    : Exception($"{operation} failed: {message}", inner)
{
    public string Operation { get; } = operation;

    public string? ErrorCode { get; } = errorCode;

    // False for errors a retry cannot fix (access denied, no such bucket, invalid request).
    public bool IsTransient { get; } = isTransient;

    // A typo, a wrong endpoint or region: never a clean upload.
    public bool IsBucketMissing => ErrorCode == "NoSuchBucket";

    // Refused for load or timed out: send less at once; retrying later is safe.
    public bool IsThrottling => IsTransient && IsThrottlingCode(ErrorCode);

    public static bool IsThrottlingCode(string? errorCode) =>
        errorCode is "SlowDown" or "Throttling" or "ThrottlingException" or "ThrottledException" or "RequestLimitExceeded" or "TooManyRequests"
            or "TooManyRequestsException" or "RequestThrottled" or "ServiceUnavailable" or "RequestTimeout";
}
