using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Core.Workflow;

namespace MultipartAbort.Core.Handlers;

/// <summary>
/// An SQS batch: records run concurrently; poison records (malformed, not allowed) go to the dead-letter queue with
/// their reason; only records that failed transiently are listed for redelivery.
/// </summary>
public sealed class SqsBatchHandler(RequestRunner requests, QueuePair queues, StructuredLogger log, ConcurrencyLimiter concurrency)
{
    public async Task<SqsBatchAnswer> HandleAsync(SqsEvent sqs, InvocationContext context, CancellationToken ct)
    {
        var failures = new SqsBatchItemFailure?[sqs.Records.Count];
        var counts = new OutcomeCounts();
        await Parallel
            .ForAsync(
                0,
                sqs.Records.Count,
                // Records take no lease themselves: the uploads (or sweeps) inside each record do.
                new ParallelOptions { MaxDegreeOfParallelism = concurrency.MaxConcurrency, CancellationToken = ct },
                async (i, token) =>
                {
                    var record = sqs.Records[i];
                    var id = record.MessageId ?? $"record-{i}";
                    var payload = RequestParser.ParseText(record.Body);
                    var result = await requests.RunAsync(payload, AbortOptions.SqsRecord, context, null, token).ConfigureAwait(false);
                    counts.Add(result.Summary);
                    if (!await SettleAsync(record, result, token).ConfigureAwait(false))
                        failures[i] = new SqsBatchItemFailure { ItemIdentifier = id };
                }
            )
            .ConfigureAwait(false);
        return new SqsBatchAnswer(new SqsBatchResponse { BatchItemFailures = failures.OfType<SqsBatchItemFailure>().ToList() }, counts);
    }

    /// <summary>True when the record is done with (delete it); false when SQS must deliver it again.</summary>
    private async Task<bool> SettleAsync(SqsMessage record, InvocationResult result, CancellationToken ct)
    {
        if (result.Summary[AbortOutcome.Failed] > 0)
            return false;
        var rejected = result.Results.Where(r => r.Outcome == AbortOutcome.Rejected).ToArray();
        if (rejected.Length == 0)
            return true;
        // A poison record can never succeed: keep it, with the reason, in the dead-letter queue.
        var reason = string.Join("; ", rejected.Select(r => r.Message));
        if (queues.DeadLetter is null)
        {
            log.Log(LogLevel.Error, $"SQS message {record.MessageId} can never succeed ({reason}) and DEAD_LETTER_QUEUE_URL is not set; leaving it for SQS's redrive policy");
            return false;
        }
        try
        {
            await queues.DeadLetter.SendAsync(WireJson.Poison(reason, record.Body, record.MessageId), TimeSpan.Zero, ct).ConfigureAwait(false);
            log.Log(LogLevel.Warning, $"SQS message {record.MessageId} dead-lettered: {reason}");
            return true;
        }
        catch (QueueException ex)
        {
            log.Log(LogLevel.Error, $"SQS message {record.MessageId} could not be dead-lettered: {ex.Message}", ex);
            return false;
        }
    }
}
