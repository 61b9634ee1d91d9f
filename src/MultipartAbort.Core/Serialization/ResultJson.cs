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
        return Bytes(
            json =>
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
            },
            indented
        );
    }

    private static bool[]? SelectWithinBudget(IReadOnlyList<AbortResult> results, int budget, out int omitted)
    {
        omitted = 0;
        // Each with the comma before it.
        var sizes = results.Select(r => Bytes(json => WriteResult(json, r)).Length + 1).ToArray();
        if (sizes.Sum(s => (long)s) <= budget)
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
        Encoding.UTF8.GetString(Result(result, indented, maxResultsBytes));

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
        json.WriteIf("bytesReclaimed", r.BytesReclaimed);
        json.WriteString("message", r.Message);
        json.WriteIf("field", r.Field);
        json.WriteIf("rule", r.Rule);
        json.WriteIf("staleBy", r.StaleBy);
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, InvocationResult result)
    {
        json.WriteStartObject();
        foreach (var outcome in AbortOutcomeNames.All.Where(o => result.Summary[o] != 0))
            json.WriteNumber(outcome.ToWireName(), result.Summary[outcome]);
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
            ReportJson.Write(json, report, "report");
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
            WriteStrings(json, "skipped", result.Skipped);
        json.WriteEndObject();
    }

    public static void WriteSweep(Utf8JsonWriter json, SweepSummary s)
    {
        json.WriteStartObject();
        json.WriteString("bucket", s.Bucket);
        json.WriteIf("prefix", s.Prefix);
        json.WriteString("olderThan", s.OlderThan);
        json.WriteBoolean("dryRun", s.DryRun);
        json.WriteNumber("pages", s.Pages);
        json.WriteNumber("listed", s.Listed);
        json.WriteNumber("matched", s.Matched);
        json.WriteNumber("aborted", s.Aborted);
        json.WriteNumber("alreadyGone", s.AlreadyGone);
        json.WriteNumber("wouldAbort", s.WouldAbort);
        json.WriteNumber("active", s.Active);
        json.WriteIf("minIdle", s.MinIdle);
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
        json.WriteIf("stopReason", s.StopReason);
        json.WriteIf("nextKeyMarker", s.NextKeyMarker);
        json.WriteIf("nextUploadIdMarker", s.NextUploadIdMarker);
        json.WriteNumber("elapsedSeconds", Math.Round(s.ElapsedSeconds, 3));
        json.WriteNumber("concurrency", s.Concurrency);
        json.WriteBoolean("adaptiveConcurrency", s.AdaptiveConcurrency);
        if (s.PrefixFilteredLocally)
            json.WriteBoolean("prefixFilteredLocally", true);
        json.WriteIf("shard", s.Shard);
        json.WriteIf("shardsQueued", s.ShardsQueued);
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

    public static string Text(Action<Utf8JsonWriter> write, bool indented = false) => Encoding.UTF8.GetString(Bytes(write, indented));

    private static byte[] Bytes(Action<Utf8JsonWriter> write, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options with { Indented = indented }))
            write(json);
        return buffer.WrittenSpan.ToArray();
    }

    // Optional members are left out when unset.
    internal static void WriteIf(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
            json.WriteString(name, value);
    }

    internal static void WriteIf(this Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } n)
            json.WriteNumber(name, n);
    }

    internal static void WriteIf(this Utf8JsonWriter json, string name, DateTimeOffset? value) => json.WriteIf(name, value is { } at ? Rfc3339.Format(at) : null);

    internal static void WriteIf(this Utf8JsonWriter json, string name, TimeSpan? value) => json.WriteIf(name, value is { } span ? IsoDuration.Format(span) : null);

    internal static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
