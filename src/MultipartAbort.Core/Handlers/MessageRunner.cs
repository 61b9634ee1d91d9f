namespace MultipartAbort.Core.Handlers;

/// <summary>Runs one queued message, settling each upload on its own so a repeated delivery never repeats finished work.</summary>
internal sealed class MessageRunner(RequestRunner requests, StructuredLogger log)
{
    // A decoder that throws (a bug) would throw on every delivery: the message is refused for dead-lettering.
    internal RequestPayload Decode(string? id, Func<RequestPayload> decode)
    {
        try
        {
            return decode();
        }
        catch (Exception ex)
        {
            log.Log(LogLevel.Critical, $"message {id}: decoding it threw {ex.GetType().Name}: {ex.Message}; it is refused and dead-lettered (please report this)", ex);
            return new InvalidPayload(AbortResult.Rejected(null, null, null, 0, $"the message could not be decoded ({ex.GetType().Name}: {ex.Message})", rule: "internal"));
        }
    }

    // True when the message is done with; false: the queue must deliver it again.
    internal async Task<bool> RunAsync(string? id, string? body, RequestPayload payload, OutcomeCounts counts, Invocation invocation)
    {
        try
        {
            var result = await requests.RunAsync(payload, AbortOptions.Direct, invocation).ConfigureAwait(false);
            counts.Add(result.Summary);
            if (result.Summary[AbortOutcome.Failed] > 0)
                return false;
            return await DeadLetterRejectedAsync(id, body, payload, result, invocation).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug: the message is delivered again rather than lost, and the rest of the batch still gets its answer.
            log.Log(LogLevel.Critical, $"message {id}: unexpected {ex.GetType().Name}: {ex.Message} (please report this)", ex);
            return false;
        }
    }

    // False when dead-lettering failed.
    private async Task<bool> DeadLetterRejectedAsync(string? id, string? body, RequestPayload payload, InvocationResult result, Invocation invocation)
    {
        var rejected = result.Results.Where(r => r.Outcome == AbortOutcome.Rejected).ToArray();
        if (rejected.Length == 0)
            return true;
        if (payload is not UploadsPayload uploads || rejected.Length == result.Results.Count || uploads.Items.Count != result.Results.Count)
            return await DeadLetterAsync(id, string.Join("; ", rejected.Select(r => r.Message)), body, invocation).ConfigureAwait(false);

        var all = true;
        for (var i = 0; i < uploads.Items.Count; i++)
        {
            if (result.Results[i].Outcome != AbortOutcome.Rejected)
                continue;
            var item = uploads.Items[i];
            var itemBody = item.Raw ?? (item.Request is { } request ? MessageJson.AbortRequest(request) : "(entry too large to keep)");
            var message = result.Results[i].Message;
            var reason = message.StartsWith($"uploads[{i}]", StringComparison.Ordinal) ? message : $"uploads[{i}]: {message}";
            all &= await DeadLetterAsync(id, reason, itemBody, invocation).ConfigureAwait(false);
        }
        return all;
    }

    public async Task<bool> DeadLetterAsync(string? id, string reason, string? body, Invocation invocation)
    {
        var (queues, ct) = (invocation.Queues, invocation.Settle);
        if (queues.DeadLetter is null)
        {
            log.Log(LogLevel.Error, $"message {id} can never succeed ({reason}) and DEAD_LETTER_QUEUE_URL is not set; leaving it to its queue's redrive policy");
            return false;
        }
        return await SendAsync(queues.DeadLetter, MessageJson.Poison(reason, body, id), $"message {id} dead-lettered: {reason}", $"message {id} could not be dead-lettered", ct).ConfigureAwait(false);
    }

    // A send that fails is logged as an error with why; false then.
    internal async Task<bool> SendAsync(IMessageQueue queue, string body, string sent, string failed, CancellationToken ct)
    {
        try
        {
            await queue.SendAsync(body, TimeSpan.Zero, ct).ConfigureAwait(false);
            log.Log(LogLevel.Warning, sent);
            return true;
        }
        catch (Exception ex) when (ex is QueueException || (ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            log.Log(LogLevel.Error, $"{failed}: {ex.Message}", ex);
            return false;
        }
    }
}
