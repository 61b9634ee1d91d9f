using System.Buffers;

namespace MultipartAbort.Core.Serialization;

public static class ResultJson
{
    // Lambda's limit is 6 MB and an HTTP answer may embed this JSON escaped (up to twice as long).
    public const int MaxResultsBytes = 2_500_000;

    // Past the budget, results needing attention are kept first, then clean ones while they fit; the rest are counted.
    public static byte[] Result(InvocationResult result, bool indented = false, int maxResultsBytes = MaxResultsBytes)
    {
        var keep = SelectWithinBudget(result.Results, maxResultsBytes, out var omitted);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, Options with { Indented = indented }))
        {
            json.WriteStartObject();
            json.WriteStartArray("results");
            for (var i = 0; i < result.Results.Count; i++)
                if (keep is null || keep[i])
                    WriteResult(json, result.Results[i]);
            json.WriteEndArray();
            json.WritePropertyName("summary");
            WriteSummary(json, result);
            if (omitted > 0)
            {
                json.WriteStartObject("truncated");
                json.WriteNumber("omittedResults", omitted);
                json.WriteString("reason", $"the results passed {maxResultsBytes} bytes; the summary counts every upload, and results needing attention were kept first");
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static bool[]? SelectWithinBudget(IReadOnlyList<AbortResult> results, int budget, out int omitted)
    {
        omitted = 0;
        var sizes = new int[results.Count];
        var scratch = new ArrayBufferWriter<byte>(512);
        long total = 0;
        using (var json = new Utf8JsonWriter(scratch, Options))
        {
            for (var i = 0; i < results.Count; i++)
            {
                var before = json.BytesCommitted;
                WriteResult(json, results[i]);
                json.Flush();
                sizes[i] = (int)(json.BytesCommitted - before) + 1;
                total += sizes[i];
                scratch.Clear();
                json.Reset(scratch);
            }
        }
        if (total <= budget)
            return null;
        var keep = new bool[results.Count];
        long used = 0;
        foreach (var clean in new[] { false, true })
            for (var i = 0; i < results.Count; i++)
                if (results[i].Outcome.IsClean() == clean && used + sizes[i] <= budget)
                {
                    keep[i] = true;
                    used += sizes[i];
                }
        omitted = keep.Count(k => !k);
        return keep;
    }

    public static string ResultText(InvocationResult result, bool indented = false, int maxResultsBytes = MaxResultsBytes) =>
        System.Text.Encoding.UTF8.GetString(Result(result, indented, maxResultsBytes));

    public static void WriteResult(Utf8JsonWriter json, AbortResult r)
    {
        json.WriteStartObject();
        json.WriteString("bucket", r.Bucket);
        json.WriteString("key", r.Key);
        json.WriteString("uploadId", r.UploadId);
        json.WriteString("outcome", r.Outcome.ToWireName());
        json.WriteNumber("attempt", r.Attempt);
        json.WriteNumber("abortCalls", r.AbortCalls);
        json.WriteNumber("partsRemaining", r.PartsRemaining);
        if (r.BytesReclaimed is { } bytes)
            json.WriteNumber("bytesReclaimed", bytes);
        json.WriteString("message", r.Message);
        if (r.Field is not null)
            json.WriteString("field", r.Field);
        if (r.Rule is not null)
            json.WriteString("rule", r.Rule);
        if (r.StaleBy is not null)
            json.WriteString("staleBy", r.StaleBy);
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, InvocationResult result)
    {
        json.WriteStartObject();
        foreach (var outcome in AbortOutcomeNames.All)
        {
            var n = result.Summary[outcome];
            if (n != 0)
                json.WriteNumber(outcome.ToWireName(), n);
        }
        if (result.Sweeps.Count == 1 && !result.SweepsAsList)
        {
            json.WritePropertyName("sweep");
            WriteSweep(json, result.Sweeps[0]);
        }
        else if (result.Sweeps.Count > 1 || result.SweepsAsList)
        {
            json.WriteStartArray("sweeps");
            foreach (var s in result.Sweeps)
                WriteSweep(json, s);
            json.WriteEndArray();
        }
        if (result.Report is { } report)
        {
            json.WritePropertyName("report");
            ReportJson.Write(json, report);
        }
        if (result.Drain is { } drain)
        {
            json.WriteStartObject("retryLedger");
            json.WriteNumber("due", drain.Due);
            json.WriteNumber("settled", drain.Settled);
            json.WriteNumber("kept", drain.Kept);
            json.WriteNumber("deadLettered", drain.DeadLettered);
            json.WriteNumber("gone", drain.Gone);
            json.WriteNumber("deferred", drain.Deferred);
            json.WriteBoolean("stoppedEarly", drain.StoppedEarly);
            json.WriteEndObject();
        }
        if (result.Skipped.Count > 0)
        {
            json.WriteStartArray("skipped");
            foreach (var part in result.Skipped)
                json.WriteStringValue(part);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    public static void WriteSweep(Utf8JsonWriter json, SweepSummary s)
    {
        json.WriteStartObject();
        json.WriteString("bucket", s.Bucket);
        if (s.Prefix is not null)
            json.WriteString("prefix", s.Prefix);
        json.WriteString("olderThan", s.OlderThan);
        json.WriteBoolean("dryRun", s.DryRun);
        json.WriteNumber("pages", s.Pages);
        json.WriteNumber("listed", s.Listed);
        json.WriteNumber("matched", s.Matched);
        json.WriteNumber("aborted", s.Aborted);
        json.WriteNumber("alreadyGone", s.AlreadyGone);
        json.WriteNumber("wouldAbort", s.WouldAbort);
        json.WriteNumber("active", s.Active);
        if (s.MinIdle is not null)
            json.WriteString("minIdle", s.MinIdle);
        if (s.MaxUploadAge is not null)
        {
            json.WriteString("maxUploadAge", s.MaxUploadAge);
            json.WriteNumber("overMaxAge", s.OverMaxAge);
        }
        json.WriteNumber("requeued", s.Requeued);
        json.WriteNumber("deadLettered", s.DeadLettered);
        json.WriteNumber("failed", s.Failed);
        json.WriteNumber("bytesReclaimed", s.BytesReclaimed);
        json.WriteBoolean("continued", s.Continued);
        if (s.StopReason is not null)
            json.WriteString("stopReason", s.StopReason);
        if (s.NextKeyMarker is not null)
            json.WriteString("nextKeyMarker", s.NextKeyMarker);
        if (s.NextUploadIdMarker is not null)
            json.WriteString("nextUploadIdMarker", s.NextUploadIdMarker);
        json.WriteNumber("elapsedSeconds", Math.Round(s.ElapsedSeconds, 3));
        json.WriteNumber("concurrency", s.Concurrency);
        json.WriteBoolean("adaptiveConcurrency", s.AdaptiveConcurrency);
        if (s.PrefixFilteredLocally)
            json.WriteBoolean("prefixFilteredLocally", true);
        if (s.Shard is not null)
            json.WriteString("shard", s.Shard);
        if (s.ShardsQueued is { } queued)
            json.WriteNumber("shardsQueued", queued);
        json.WriteEndObject();
    }

    public static string Error(string message) =>
        Text(json =>
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteEndObject();
        });

    internal static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Text(Action<Utf8JsonWriter> write, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options with { Indented = indented }))
            write(json);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
