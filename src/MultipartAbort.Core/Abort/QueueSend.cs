namespace MultipartAbort.Core.Abort;

internal static class QueueSend
{
    /// <summary>Null when sent, else why not: the queue is unset, it refused, or the invocation's time ran out.</summary>
    public static async Task<string?> TrySendAsync(this IMessageQueue? queue, string variable, string body, TimeSpan delay, CancellationToken ct)
    {
        if (queue is null)
            return $"{variable} is not set";
        try
        {
            await queue.SendAsync(body, delay, ct).ConfigureAwait(false);
            return null;
        }
        catch (QueueException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return "the invocation ran out of time";
        }
    }
}
