namespace MultipartAbort.Core.Abort;

/// <summary>
/// A batch's uploads not started by the soft deadline, re-queued in packed bodies so a large batch costs a few sends
/// in the seconds left. An upload on its last attempt is dead-lettered instead.
/// </summary>
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
        var packs = new List<Pack>();
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (queues.Retry is null || request.Attempt + 1 >= settings.MaxAttempts)
            {
                results[i] = await workflow.DeferAsync(request, invocation).ConfigureAwait(false);
                continue;
            }
            var item = MessageJson.AbortRequest(request with { Attempt = request.Attempt + 1, Reason = Why });
            var bytes = Encoding.UTF8.GetByteCount(item) + 1;
            if (packs.Count == 0 || packs[^1].Items.Count == MaxPerMessage || packs[^1].Bytes + bytes > MaxMessageBytes)
                packs.Add(new Pack());
            packs[^1].Add(i, item, bytes);
        }

        await StoreCallLimiter.ForEachIndexAsync(packs.Count, 4, () => false, i => SendAsync(packs[i])).ConfigureAwait(false);
        return results;

        async Task SendAsync(Pack pack)
        {
            var problem = await queues.Retry.TrySendAsync(EnvironmentVariables.RetryQueueUrl, pack.Body.Append("]}").ToString(), TimeSpan.Zero, invocation.Settle).ConfigureAwait(false);
            foreach (var i in pack.Items)
            {
                var r = requests[i];
                results[i] = problem is null
                    ? new AbortResult(r.Bucket, r.Key, r.UploadId, AbortOutcome.Requeued, r.Attempt, 0, 0, $"{Why}; re-queued as attempt {r.Attempt + 1} in 0 s, in one message with {pack.Items.Count - 1} other upload(s) of this batch")
                    : new AbortResult(r.Bucket, r.Key, r.UploadId, AbortOutcome.Failed, r.Attempt, 0, 0, $"{Why}; re-queue failed: {problem}");
                log.Outcome(results[i]);
            }
        }
    }

    private sealed class Pack
    {
        public List<int> Items { get; } = [];
        public StringBuilder Body { get; } = new("{\"uploads\":[");
        public int Bytes { get; private set; } = 16;

        public void Add(int index, string item, int bytes)
        {
            if (Items.Count > 0)
                Body.Append(',');
            Body.Append(item);
            Items.Add(index);
            Bytes += bytes;
        }
    }
}
