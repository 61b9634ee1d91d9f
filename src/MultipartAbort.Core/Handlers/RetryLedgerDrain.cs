using System.Collections.Concurrent;

namespace MultipartAbort.Core.Handlers;

/// <summary>Drains the cos:// retry ledger, deleting an entry only once settled; re-queues count from the due time, so entries never multiply.</summary>
public sealed class RetryLedgerDrain : IRetryDrain
{
    private readonly IRetryLedger ledger;
    private readonly IMessageQueue? deadLetter;
    private readonly MessageRunner runner;
    private readonly Settings settings;
    private readonly StructuredLogger log;
    private readonly TimeProvider time;

    internal RetryLedgerDrain(IRetryLedger ledger, IMessageQueue? deadLetter, MessageRunner runner, Settings settings, StructuredLogger log, TimeProvider time) =>
        (this.ledger, this.deadLetter, this.runner, this.settings, this.log, this.time) = (ledger, deadLetter, runner, settings, log, time);

    private enum Settlement
    {
        Settled,
        Kept,
        Gone,
        Deferred,
        DeadLettered,
    }

    public string Address => ledger.Address;

    async Task<InvocationResult> IRetryDrain.DrainAsync(Invocation invocation) => (await DrainAsync(invocation).ConfigureAwait(false)).ToInvocationResult();

    public async Task<RetryLedgerDrainResult> DrainAsync(Invocation invocation)
    {
        var cancellationToken = invocation.Settle;
        var now = time.GetUtcNow();
        var tally = new int[Enum.GetValues<Settlement>().Length];
        var due = 0;
        var stopped = false;
        var counts = new OutcomeCounts();
        var ran = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        try
        {
            // Entries take no lease (their uploads do). Not cancelled by the caller: a cancelled drain leaves the rest and still answers.
            await StoreCallLimiter
                .Fixed(settings.SweepConcurrency ?? 16)
                .ForEachAsync(
                    Taken(),
                    async entry =>
                    {
                        Interlocked.Increment(ref due);
                        Interlocked.Increment(ref tally[(int)await SettleAsync(entry, invocation, counts, ran).ConfigureAwait(false)]);
                    },
                    CancellationToken.None
                )
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stopped = true;
        }
        var result = new RetryLedgerDrainResult(due, tally[(int)Settlement.Settled], tally[(int)Settlement.Kept], tally[(int)Settlement.Gone], tally[(int)Settlement.Deferred], tally[(int)Settlement.DeadLettered], stopped, counts);
        log.Log(result.Kept + result.DeadLettered > 0 ? LogLevel.Warning : LogLevel.Information, $"{result} ({ledger.Address})");
        return result;

        async IAsyncEnumerable<LedgerEntry> Taken()
        {
            await foreach (var entry in ledger.ListDueAsync(now, cancellationToken).ConfigureAwait(false))
            {
                if (invocation.StopTaking)
                {
                    stopped = true;
                    yield break;
                }
                yield return entry;
            }
        }
    }

    private async Task<Settlement> SettleAsync(LedgerEntry entry, Invocation invocation, OutcomeCounts counts, ConcurrentDictionary<string, byte> ran)
    {
        var ct = invocation.Settle;
        byte[]? bytes;
        try
        {
            bytes = await ledger.ReadAsync(entry, ct).ConfigureAwait(false);
        }
        catch (QueueException ex)
        {
            log.Log(LogLevel.Error, $"retry ledger entry {entry.Name} could not be read; left for the next drain: {ex.Message}");
            return Settlement.Kept;
        }
        if (bytes is null)
            return Settlement.Gone;
        invocation = invocation.ForLedgerEntry(new QueuePair(ledger.CountingFrom(entry.Due), deadLetter is IRetryLedger dead ? dead.CountingFrom(entry.Due) : deadLetter));
        // An entry that cannot be decoded never will be: dead-letter it now.
        var body = StrictText.Decode(bytes) ?? System.Text.Encoding.UTF8.GetString(bytes);
        var payload = runner.Decode(entry.Name, () => EventDecoder.DecodeBody(bytes));
        // So one drain never burns through an upload's attempts.
        if (RunsOf(payload) is { } work && !ran.TryAdd(work, 0))
            return Settlement.Deferred;

        var outcome = Settlement.Settled;
        if (!await runner.RunAsync(entry.Name, body, payload, counts, invocation).ConfigureAwait(false))
        {
            var runs = entry.Runs + 1;
            if (runs < settings.MaxAttempts)
                return await PostponeAsync(entry, body, runs, ct).ConfigureAwait(false);
            var reason = $"the retry ledger ran it {runs} times ({EnvironmentVariables.MaxAttempts}) and could not settle it";
            if (!await runner.DeadLetterAsync(entry.Name, reason, body, invocation).ConfigureAwait(false))
                return Settlement.Kept;
            outcome = Settlement.DeadLettered;
        }
        try
        {
            await ledger.DeleteAsync(entry, ct).ConfigureAwait(false);
            return outcome;
        }
        catch (QueueException ex)
        {
            // Its work is done; the next drain ends already-gone (or rewrites the same next attempt).
            log.Log(LogLevel.Warning, $"retry ledger entry {entry.Name} is settled but could not be deleted; the next drain repeats it harmlessly: {ex.Message}");
            return Settlement.Kept;
        }
    }

    // From its due time, so two drains write one entry.
    private async Task<Settlement> PostponeAsync(LedgerEntry entry, string body, int runs, CancellationToken ct)
    {
        var next = TimeBounds.Add(entry.Due, settings.RetryDelayFor(runs));
        try
        {
            await ledger.PostponeAsync(entry, body, next, ct).ConfigureAwait(false);
            log.Log(LogLevel.Warning, $"retry ledger entry {entry.Name} was not settled (run {runs} of {settings.MaxAttempts}); written again, due {next:O}");
        }
        catch (QueueException ex)
        {
            log.Log(LogLevel.Warning, $"retry ledger entry {entry.Name} was not settled and could not be written again; left for the next drain: {ex.Message}");
        }
        return Settlement.Kept;
    }

    private static string? RunsOf(RequestPayload payload) =>
        payload switch
        {
            UploadsPayload { Items: [{ Request: { } r }] } => $"upload\n{r.Bucket}\n{r.Key}\n{r.UploadId}",
            SweepPayload { Sweep: var sweep } => $"sweep\n{sweep.Bucket}\n{sweep.Prefix}",
            _ => null,
        };
}

/// <summary>What one drain did. Settled: deleted (final, or next attempt written); Gone: settled by another drain meanwhile; Deferred: already run once by this drain.</summary>
public sealed record RetryLedgerDrainResult(int Due, int Settled, int Kept, int Gone, int Deferred, int DeadLettered, bool StoppedEarly, OutcomeCounts Counts)
{
    public InvocationResult ToInvocationResult() => new([], Counts) { Drain = this };

    public override string ToString() =>
        $"retry ledger drain: {Due} due, {Settled} settled, {Kept} kept for a later drain, {DeadLettered} dead-lettered, {Gone} already taken by another drain, {Deferred} deferred to the next drain{(StoppedEarly ? ", stopped early (deadline)" : "")}";
}
