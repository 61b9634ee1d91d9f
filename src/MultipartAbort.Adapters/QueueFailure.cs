namespace MultipartAbort.Adapters;

internal static class QueueFailure
{
    /// <summary>Null only for the caller's own cancellation, so nothing else escapes the port.</summary>
    public static QueueException? Translate(string address, Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            return null;
        var (transient, message, code) = FailureKind.Classify(ex);
        return new QueueException(address, message, transient, code, ex);
    }
}
