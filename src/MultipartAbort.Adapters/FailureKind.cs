using System.Net.Sockets;
using System.Xml;

namespace MultipartAbort.Adapters;

/// <summary>
/// What kind of failure an SDK call ended in, by what the error is: a throttle, a server error or a broken
/// connection can succeed later (transient); a refusal or a client-side validation error never will (permanent).
/// </summary>
internal static class FailureKind
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "InternalError", "InternalFailure", "ServiceUnavailable",
        "RequestTimeTooSkewed", "KmsThrottled", "AWS.SimpleQueueService.RequestThrottled",
    };

    /// <summary>A service's answer that a retry may fix: 5xx, 408, 429, or a throttling or internal error code.</summary>
    public static bool IsTransientServiceError(int status, string? errorCode) =>
        status >= 500 || status is 408 or 429 || (errorCode is not null && TransientCodes.Contains(errorCode));

    /// <summary>The request did not get an answer: a reset, a refused or dropped connection, a cut or garbled response.</summary>
    public static bool IsNetworkFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            // An AmazonServiceException without a status and an error code never got an HTTP answer.
            if (e is HttpRequestException or IOException or SocketException or TimeoutException or XmlException or System.Net.WebException
                || (e is Amazon.Runtime.AmazonServiceException { StatusCode: 0 } s && string.IsNullOrEmpty(s.ErrorCode)))
                return true;
        return false;
    }
}
