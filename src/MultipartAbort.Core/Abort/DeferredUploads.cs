namespace MultipartAbort.Core.Abort;

/// <summary>A batch's uploads not started by the soft deadline, re-queued a few sends' worth (or dead-lettered on their last attempt).</summary>
internal sealed class DeferredUploads(AbortWorkflow workflow, Settings settings, StructuredLogger log)
{
    // A tenth of a batch, so a redelivered body is quick to settle.
    public const int MaxPerMessage = 100;

    // Below SQS's 256 KiB limit whatever the keys (1,024 bytes at most) and their escaping.
    public const int MaxMessageBytes = 192 * 1024;

    private const string Why = "not started before the invocation's deadline";

    internal async Task<AbortResult[]> PassOnAsync(IReadOnlyList<AbortRequest> requests, Invocation invocation)
    {
        var queues = invocation.Queues;
        var results = new AbortResult[requests.Count];
        var items = new string[requests.Count];
        var packs = new List<List<int>>();
        var packBytes = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (queues.Retry is null || request.Attempt + 1 >= settings.MaxAttempts)
            {
                results[i] = await workflow.DeferAsync(request, invocation).ConfigureAwait(false);
                continue;
            }
            items[i] = MessageJson.AbortRequest(request with { Attempt = request.Attempt + 1, Reason = Why });
            var bytes = Encoding.UTF8.GetByteCount(items[i]) + 1;
            // 16: the body's wrapper.
            if (packs.Count == 0 || packs[^1].Count == MaxPerMessage || packBytes + bytes > MaxMessageBytes)
            {
                packs.Add([]);
                packBytes = 16;
            }
            packs[^1].Add(i);
            packBytes += bytes;
        }

        await StoreCallLimiter.ForEachIndexAsync(packs.Count, 4, () => false, i => SendAsync(packs[i])).ConfigureAwait(false);
        return results;

        async Task SendAsync(List<int> pack)
        {
            var body = $"{{\"uploads\":[{string.Join(',', pack.Select(i => items[i]))}]}}";
            var problem = await queues.Retry.TrySendAsync(EnvironmentVariables.RetryQueueUrl, body, TimeSpan.Zero, invocation.Settle).ConfigureAwait(false);
            foreach (var i in pack)
            {
                var r = requests[i];
                results[i] = problem is null
                    ? new AbortResult(r.Bucket, r.Key, r.UploadId, AbortOutcome.Requeued, r.Attempt, 0, 0, $"{Why}; re-queued as attempt {r.Attempt + 1} in 0 s, in one message with {pack.Count - 1} other upload(s) of this batch")
                    : new AbortResult(r.Bucket, r.Key, r.UploadId, AbortOutcome.Failed, r.Attempt, 0, 0, $"{Why}; re-queue failed: {problem}");
                log.Outcome(results[i]);
            }
        }
    }
}
