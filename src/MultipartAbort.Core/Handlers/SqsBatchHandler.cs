using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Core.Workflow;

namespace MultipartAbort.Core.Handlers;

/// <summary>
/// An SQS batch (the README, "SQS batch"): records run concurrently and each upload in a body is settled on its own, so a
/// redelivery never repeats finished work. A transient failure re-queues that upload (attempt + 1) through the retry
/// queue; rejected uploads go to the dead-letter queue with their reason; only a record whose uploads could not be
/// settled that way is listed in batchItemFailures. Records not started by the soft deadline are listed, untouched.
/// </summary>
/// <remarks>
/// A record without a messageId cannot be listed (Lambda fails the whole batch for an unknown identifier). Lambda
/// always sends one; should it not, such a record is still processed, and if it needs delivering again its body is
/// sent to the retry queue as is, or else to the dead-letter queue with the reason.
/// </remarks>
public sealed class SqsBatchHandler(RequestRunner requests, QueuePair queues, Settings settings, StructuredLogger log, TimeProvider time, ConcurrencyLimiter concurrency)
{
    public async Task<SqsBatchAnswer> HandleAsync(SqsEvent sqs, InvocationContext context, CancellationToken ct)
    {
        using var budget = new InvocationBudget(context, time, settings.DeadlineReserve, ct);
        var records = sqs.Records;
        var settled = new bool[records.Count];
        var counts = new OutcomeCounts();
        // Records take no lease themselves: the uploads (or sweeps) inside each record do.
        var started = await WorkerPool
            .RunIndexedAsync(records.Count, concurrency.MaxConcurrency, () => budget.StopTaking, async i => settled[i] = await RunRecordAsync(records[i], counts, budget).ConfigureAwait(false))
            .ConfigureAwait(false);
        if (started < records.Count)
            log.Log(LogLevel.Warning, $"the invocation's time ran low after {started} of {records.Count} SQS records; the rest are listed for redelivery, untouched");

        var failures = new List<SqsBatchItemFailure>();
        for (var i = 0; i < records.Count; i++)
        {
            if (settled[i])
                continue;
            if (!string.IsNullOrWhiteSpace(records[i].MessageId))
                failures.Add(new SqsBatchItemFailure { ItemIdentifier = records[i].MessageId! });
            else
                await PassOnWithoutIdAsync(records[i], i < started ? "it failed transiently" : "it was not started before the deadline", budget.Settle).ConfigureAwait(false);
        }
        return new SqsBatchAnswer(new SqsBatchResponse { BatchItemFailures = failures }, counts);
    }

    /// <summary>Runs one record; true when it is done with (delete it), false when SQS must deliver it again.</summary>
    private async Task<bool> RunRecordAsync(SqsMessage record, OutcomeCounts counts, InvocationBudget budget)
    {
        try
        {
            var payload = EventDecoder.DecodeBody(record.Body);
            var result = await requests.RunAsync(payload, AbortOptions.SqsRecord, budget, null).ConfigureAwait(false);
            counts.Add(result.Summary);
            if (result.Summary[AbortOutcome.Failed] > 0)
                return false;
            return await DeadLetterRejectedAsync(record, payload, result, budget.Settle).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug: the record is delivered again rather than lost, and the rest of the batch still gets its answer.
            log.Log(LogLevel.Error, $"SQS message {record.MessageId}: unexpected {ex.GetType().Name}: {ex.Message}", ex);
            return false;
        }
    }

    /// <summary>
    /// Sends what can never succeed to the dead-letter queue with its reason: the whole body when nothing in it is
    /// usable, else each rejected upload of a batch on its own (the others are done). False when that failed.
    /// </summary>
    private async Task<bool> DeadLetterRejectedAsync(SqsMessage record, RequestPayload payload, InvocationResult result, CancellationToken ct)
    {
        var rejected = result.Results.Where(r => r.Outcome == AbortOutcome.Rejected).ToArray();
        if (rejected.Length == 0)
            return true;
        if (payload is not UploadsPayload uploads || rejected.Length == result.Results.Count || uploads.Items.Count != result.Results.Count)
            return await DeadLetterAsync(record, string.Join("; ", rejected.Select(r => r.Message)), record.Body, ct).ConfigureAwait(false);

        var all = true;
        for (var i = 0; i < uploads.Items.Count; i++)
        {
            if (result.Results[i].Outcome != AbortOutcome.Rejected)
                continue;
            var item = uploads.Items[i];
            var body = item.Raw ?? (item.Request is { } request ? WireJson.AbortRequest(request) : "(entry too large to keep)");
            var message = result.Results[i].Message;
            var reason = message.StartsWith($"uploads[{i}]", StringComparison.Ordinal) ? message : $"uploads[{i}]: {message}";
            all &= await DeadLetterAsync(record, reason, body, ct).ConfigureAwait(false);
        }
        return all;
    }

    private async Task<bool> DeadLetterAsync(SqsMessage record, string reason, string? body, CancellationToken ct)
    {
        if (queues.DeadLetter is null)
        {
            log.Log(LogLevel.Error, $"SQS message {record.MessageId} can never succeed ({reason}) and DEAD_LETTER_QUEUE_URL is not set; leaving it for SQS's redrive policy");
            return false;
        }
        try
        {
            await queues.DeadLetter.SendAsync(WireJson.Poison(reason, body, record.MessageId), TimeSpan.Zero, ct).ConfigureAwait(false);
            log.Log(LogLevel.Warning, $"SQS message {record.MessageId} dead-lettered: {reason}");
            return true;
        }
        catch (Exception ex) when (ex is QueueException || (ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            log.Log(LogLevel.Error, $"SQS message {record.MessageId} could not be dead-lettered: {ex.Message}", ex);
            return false;
        }
    }

    /// <summary>A record that must be delivered again but has no messageId to list: its body goes round through the queues.</summary>
    private async Task PassOnWithoutIdAsync(SqsMessage record, string why, CancellationToken ct)
    {
        if (queues.Retry is not null)
        {
            try
            {
                await queues.Retry.SendAsync(record.Body ?? "", TimeSpan.Zero, ct).ConfigureAwait(false);
                log.Log(LogLevel.Warning, $"an SQS record without messageId must be delivered again ({why}); its body was sent to the retry queue");
                return;
            }
            catch (Exception ex) when (ex is QueueException || (ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                log.Log(LogLevel.Error, $"an SQS record without messageId could not be sent to the retry queue: {ex.Message}", ex);
            }
        }
        if (!await DeadLetterAsync(record, $"{why}, and the record has no messageId, so it cannot be listed for redelivery", record.Body, ct).ConfigureAwait(false))
            log.Log(LogLevel.Critical, "an SQS record without messageId could be neither re-queued nor dead-lettered; it is lost (Lambda never sends such a record)");
    }
}
