using System.Net.Sockets;
using System.Xml;

namespace MultipartAbort.Adapters;

internal static class FailureKind
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "InternalError", "InternalFailure", "ServiceUnavailable",
        "RequestTimeTooSkewed", "KmsThrottled", "AWS.SimpleQueueService.RequestThrottled",
    };

    // Failures leave as translate makes them; its null lets the caller's own cancellation through.
    public static async Task<T> CallAsync<T>(Func<Task<T>> call, Func<Exception, Exception?> translate)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    public static Task<T> QueueCallAsync<T>(string address, Func<Task<T>> call, CancellationToken cancellationToken) =>
        CallAsync(call, ex => QueueFailure(address, ex, cancellationToken));

    // Null only for the caller's own cancellation, so nothing else escapes the port.
    internal static QueueException? QueueFailure(string address, Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            return null;
        var (transient, message, code) = Classify(ex);
        return new QueueException(address, message, transient, code, ex);
    }

    /// <summary>5xx, 408, 429, or a throttling or internal error code.</summary>
    public static bool IsTransientServiceError(int status, string? errorCode) =>
        status >= 500 || status is 408 or 429 || (errorCode is not null && TransientCodes.Contains(errorCode));

    /// <summary>The one classification for store, queues and ledger; the caller's own cancellation is let through before this.</summary>
    public static (bool IsTransient, string Message, string? ErrorCode) Classify(Exception ex)
    {
        if (ex is AmazonServiceException { ErrorCode.Length: > 0 } coded)
            return (IsTransientServiceError((int)coded.StatusCode, coded.ErrorCode), Describe(coded), coded.ErrorCode);
        // An unreadable answer (XmlException inside) is garbled, so transient, whatever its status.
        if (IsNetworkFailure(ex))
            return (true, $"network error: {ex.Message}", null);
        return ex switch
        {
            AmazonServiceException { StatusCode: not 0 } s => (IsTransientServiceError((int)s.StatusCode, null), Describe(s), null),
            OperationCanceledException => (true, "the request timed out", "RequestTimeout"),
            AmazonClientException => (false, $"rejected by the SDK before sending: {ex.Message}", null),
            _ => (false, $"unexpected {ex.GetType().Name}: {ex.Message}", null),
        };
    }

    // Ceph RGW sends no message; the request id is for support.
    private static string Describe(AmazonServiceException s)
    {
        var status = (int)s.StatusCode;
        var text = string.IsNullOrEmpty(s.ErrorCode) ? $"HTTP {status}" : $"{s.ErrorCode} (HTTP {status})";
        if (!string.IsNullOrWhiteSpace(s.Message))
            text += $": {s.Message.TrimEnd('.')}";
        if (!string.IsNullOrEmpty(s.RequestId))
            text += $"; request id {s.RequestId}";
        return text;
    }

    /// <summary>A reset, refused or dropped connection, a cut or garbled response.</summary>
    public static bool IsNetworkFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            // An AmazonServiceException without a status and an error code never got an HTTP answer.
            if (e is HttpRequestException or IOException or SocketException or TimeoutException or XmlException or System.Net.WebException
                || (e is AmazonServiceException { StatusCode: 0 } s && string.IsNullOrEmpty(s.ErrorCode)))
                return true;
        return false;
    }
}
