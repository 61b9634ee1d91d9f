namespace MultipartAbort.Core.Sweep;

/// <summary>A sweep with <c>"shards": N</c> sweeps nothing itself: it hands the work to N workers.</summary>
internal sealed class SweepFanOut(QueuePair queues, StructuredLogger log)
{
    // A shard sent twice finds its uploads gone. ct is the settling token: sends pass work on, so may use the time after the cut-off.
    public async Task<SweepOutcome> SendAsync(SweepRequest sweep, int shards, CancellationToken ct)
    {
        var counts = new OutcomeCounts();
        var sent = 0;
        string? problem = null;
        for (; sent < shards; sent++)
        {
            var shard = sweep with { FanOut = null, Shard = new SweepShard(sent, shards), Attempt = 0, KeyMarker = null, UploadIdMarker = null };
            problem = await queues.Retry.TrySendAsync(EnvironmentVariables.RetryQueueUrl, MessageJson.Sweep(shard), TimeSpan.Zero, ct).ConfigureAwait(false);
            if (problem is not null)
                break;
        }
        var summary = new SweepSummary { Bucket = sweep.Bucket, Prefix = sweep.Prefix, OlderThan = IsoDuration.Format(sweep.OlderThan), DryRun = sweep.DryRun, ShardsQueued = sent };
        if (problem is null)
        {
            log.Log(LogLevel.Information, $"sweep of {sweep} fanned out into {shards} shard requests on {queues.Retry!.Address}");
            return new(summary, counts, []);
        }
        var failed = new AbortResult(sweep.Bucket, sweep.Prefix ?? "", "", AbortOutcome.Failed, sweep.Attempt, 0, 0, $"could not fan out into {shards} shards ({problem}); {sent} were sent, sending them all again is harmless");
        counts.Add(failed);
        log.Outcome(failed);
        return new(summary, counts, [failed]);
    }
}
