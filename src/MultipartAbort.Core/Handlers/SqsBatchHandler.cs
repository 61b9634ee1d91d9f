namespace MultipartAbort.Core.Handlers;

/// <summary>An SQS batch: records run concurrently; only unsettled or unstarted records go in batchItemFailures.</summary>
internal sealed class SqsBatchHandler(MessageRunner messages, StructuredLogger log, StoreCallLimiter concurrency)
{
    internal async Task<SqsBatchAnswer> HandleAsync(SqsEvent sqs, Invocation invocation)
    {
        var records = sqs.Records;
        var settled = new bool[records.Count];
        var counts = new OutcomeCounts();
        // Records take no lease: the uploads inside each do.
        var started = await StoreCallLimiter
            .ForEachIndexAsync(records.Count, concurrency.MaxConcurrency, () => invocation.StopTaking, async i => settled[i] = await messages.RunAsync(records[i].MessageId, records[i].Body, messages.Decode(records[i].MessageId, () => EventDecoder.DecodeBody(records[i].Body)), counts, invocation).ConfigureAwait(false))
            .ConfigureAwait(false);
        if (started < records.Count)
            log.Log(LogLevel.Warning, $"the invocation's time ran low after {started} of {records.Count} SQS records; the rest are listed for redelivery, untouched");

        var failures = new List<SqsBatchItemFailure>();
        for (var i = 0; i < records.Count; i++)
        {
            if (settled[i])
                continue;
            if (!string.IsNullOrWhiteSpace(records[i].MessageId))
                failures.Add(new SqsBatchItemFailure(records[i].MessageId!));
            else
                await PassOnWithoutIdAsync(records[i], i < started ? "it failed transiently" : "it was not started before the deadline", invocation).ConfigureAwait(false);
        }
        return new SqsBatchAnswer(new SqsBatchResponse(failures), counts);
    }

    // Without a messageId Lambda would fail the whole batch, so the body goes round through the queues.
    private async Task PassOnWithoutIdAsync(SqsMessage record, string why, Invocation invocation)
    {
        var sent = $"an SQS record without messageId must be delivered again ({why}); its body was sent to the retry queue";
        if (invocation.Queues.Retry is { } retry && await messages.SendAsync(retry, record.Body ?? "", sent, "an SQS record without messageId could not be sent to the retry queue", invocation.Settle).ConfigureAwait(false))
            return;
        if (!await messages.DeadLetterAsync(record.MessageId, $"{why}, and the record has no messageId, so it cannot be listed for redelivery", record.Body, invocation).ConfigureAwait(false))
            log.Log(LogLevel.Critical, "an SQS record without messageId could be neither re-queued nor dead-lettered; it is lost (Lambda never sends such a record)");
    }
}

internal sealed record SqsBatchAnswer(SqsBatchResponse Response, OutcomeCounts Counts);
