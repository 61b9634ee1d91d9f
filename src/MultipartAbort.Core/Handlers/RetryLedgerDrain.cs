using System.Collections.Concurrent;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Workflow;

namespace MultipartAbort.Core.Handlers;

/// <summary>
/// Drains the cos:// retry ledger (the README, "The retry ledger (cos://)"): takes the entries due now, runs each one's
/// body through the same path as an SQS record, and deletes an entry only once its outcome is final or its next
/// attempt is written. Delivery is at least once: an entry processed by two drains at once, or again after a crash
/// before its delete, is run twice, which is harmless (the second run of a finished upload ends already-gone) and
/// never multiplies entries (what it re-queues is named after the entry, see <see cref="IRetryLedger.Follow"/>).
/// </summary>
public sealed class RetryLedgerDrain(IRetryLedger ledger, SqsBatchHandler batches, Settings settings, StructuredLogger log, TimeProvider time) : IRetryDrain
{
    private enum Settlement
    {
        Settled,
        Kept,
        Gone,
        Deferred,
    }

    /// <summary>Where the ledger is (<c>cos://bucket/prefix/</c>).</summary>
    public string Address => ledger.Address;

    /// <summary>One drain: the entries due now, with at most SWEEP_CONCURRENCY at once. Throws <see cref="QueueException"/> when the ledger cannot be listed.</summary>
    async Task<InvocationResult> IRetryDrain.DrainAsync(InvocationContext context, CancellationToken ct) =>
        (await DrainAsync(context, ct).ConfigureAwait(false)).ToInvocationResult();

    public async Task<RetryLedgerDrainResult> DrainAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int due = 0, settled = 0, kept = 0, gone = 0, deferred = 0, stopped = 0;
        var counts = new OutcomeCounts();
        var ran = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        try
        {
            await Parallel
                .ForEachAsync(
                    ledger.ListDueAsync(now, cancellationToken),
                    // Entries take no lease themselves (the uploads inside them do, from the adaptive limit): this only bounds how many
                    // are open at once when SWEEP_CONCURRENCY does not pin it. Not cancelled by the caller's token: a cancelled
                    // drain stops taking entries (below) and still answers with what it did.
                    new ParallelOptions { MaxDegreeOfParallelism = settings.SweepConcurrency ?? 16 },
                    async (entry, _) =>
                    {
                        // Entries not taken stay in the ledger for the next drain: nothing is lost by stopping.
                        if (cancellationToken.IsCancellationRequested || (context.Remaining(time) is { } left && left < settings.DeadlineReserve))
                        {
                            Interlocked.Exchange(ref stopped, 1);
                            return;
                        }
                        Interlocked.Increment(ref due);
                        switch (await SettleAsync(entry, context, counts, ran, cancellationToken).ConfigureAwait(false))
                        {
                            case Settlement.Settled:
                                Interlocked.Increment(ref settled);
                                break;
                            case Settlement.Kept:
                                Interlocked.Increment(ref kept);
                                break;
                            case Settlement.Deferred:
                                Interlocked.Increment(ref deferred);
                                break;
                            default:
                                Interlocked.Increment(ref gone);
                                break;
                        }
                    }
                )
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cut off while listing or reading an entry: what was settled is counted, the rest waits for the next drain.
            Interlocked.Exchange(ref stopped, 1);
        }
        var result = new RetryLedgerDrainResult(due, settled, kept, gone, stopped == 1, counts) { Deferred = deferred };
        log.Log(kept > 0 ? LogLevel.Warning : LogLevel.Information, $"{result} ({ledger.Address})");
        return result;
    }

    private async Task<Settlement> SettleAsync(LedgerEntry entry, InvocationContext context, OutcomeCounts counts, ConcurrentDictionary<string, byte> ran, CancellationToken ct)
    {
        string? body;
        try
        {
            body = await ledger.ReadAsync(entry, ct).ConfigureAwait(false);
        }
        catch (QueueException ex)
        {
            log.Log(LogLevel.Error, $"retry ledger entry {entry.Name} could not be read; left for the next drain: {ex.Message}");
            return Settlement.Kept;
        }
        if (body is null)
            return Settlement.Gone;
        // A late drain finds an entry's next attempt due at once (its delay counts from the entry's due time); it waits
        // for the next drain instead of running here, so one drain never burns through an upload's attempts.
        if (RunsOf(body) is { } upload && !ran.TryAdd(upload, 0))
            return Settlement.Deferred;

        SqsBatchAnswer answer;
        using (ledger.Follow(entry))
        {
            var record = new SqsMessage { MessageId = entry.Name, Body = body, EventSource = "cos:ledger" };
            answer = await batches.HandleAsync(new SqsEvent { Records = [record] }, context, ct).ConfigureAwait(false);
        }
        counts.Add(answer.Counts);
        if (answer.Response.BatchItemFailures.Count > 0)
        {
            log.Log(LogLevel.Warning, $"retry ledger entry {entry.Name} failed transiently; left for the next drain");
            return Settlement.Kept;
        }
        try
        {
            await ledger.DeleteAsync(entry, ct).ConfigureAwait(false);
            return Settlement.Settled;
        }
        catch (QueueException ex)
        {
            // Its work is done; the next drain runs it again, which ends already-gone (or rewrites the same next attempt).
            log.Log(LogLevel.Warning, $"retry ledger entry {entry.Name} is settled but could not be deleted; the next drain repeats it harmlessly: {ex.Message}");
            return Settlement.Kept;
        }
    }

    /// <summary>What an entry works on (an upload, or a sweep's bucket and prefix); null for a body that names neither.</summary>
    private static string? RunsOf(string body) =>
        RequestParser.ParseText(body) switch
        {
            UploadsPayload { Items: [{ Request: { } r }] } => $"upload\n{r.Bucket}\n{r.Key}\n{r.UploadId}",
            SweepPayload { Sweep: var sweep } => $"sweep\n{sweep.Bucket}\n{sweep.Prefix}",
            _ => null,
        };
}
