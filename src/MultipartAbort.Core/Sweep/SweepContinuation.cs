namespace MultipartAbort.Core.Sweep;

/// <summary>A sweep that stopped early, re-sent through the retry queue to resume where its listing left off.</summary>
internal sealed class SweepContinuation(QueuePair queues, StructuredLogger log)
{
    /// <summary>Null when sent, else why not.</summary>
    public async Task<string?> SendAsync(SweepRequest current, (string? KeyMarker, string? UploadIdMarker) resume, TimeSpan delay, string why, CancellationToken token)
    {
        if (queues.Retry is null)
            return $"{EnvironmentVariables.RetryQueueUrl} is not set";
        var next = current with { KeyMarker = resume.KeyMarker, UploadIdMarker = resume.UploadIdMarker, Attempt = current.Attempt + 1 };
        try
        {
            await queues.Retry.SendAsync(MessageJson.Sweep(next), delay, token).ConfigureAwait(false);
            log.Log(LogLevel.Information, $"sweep of {current} stopped ({why}); continues {Where(next)}");
            return null;
        }
        catch (QueueException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return "the invocation ran out of time";
        }
    }

    private static string Where(SweepRequest next) =>
        (next.KeyMarker, next.UploadIdMarker) switch
        {
            (null, _) => "from the start",
            (var key, null) => $"after key '{key}'",
            var (key, id) => $"after key '{key}', upload {id}",
        };
}
