namespace MultipartAbort.Core.Serialization;

/// <summary>Queue messages in the shape the function reads, so either queue's messages can be fed back as is.</summary>
internal static class MessageJson
{
    public static string AbortRequest(AbortRequest request) =>
        ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteString("bucket", request.Bucket);
            json.WriteString("key", request.Key);
            // A timer armed without an upload id names the key by time instead.
            if (!request.NamesKeyOnly)
                json.WriteString("uploadId", request.UploadId);
            json.WriteIf("initiatedAt", request.InitiatedAt);
            json.WriteIf("notBefore", request.NotBefore);
            json.WriteNumber("attempt", request.Attempt);
            json.WriteIf("reason", request.Reason);
            json.WriteIf("expectedBucketOwner", request.ExpectedBucketOwner);
            json.WriteIf("requestPayer", request.RequestPayer);
            json.WriteIf("minIdle", request.MinIdle);
            json.WriteEndObject();
        });

    public static string Sweep(SweepRequest sweep) =>
        ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("sweep");
            json.WriteString("bucket", sweep.Bucket);
            json.WriteIf("prefix", sweep.Prefix);
            json.WriteString("olderThan", IsoDuration.Format(sweep.OlderThan));
            json.WriteBoolean("dryRun", sweep.DryRun);
            json.WriteIf("minIdle", sweep.MinIdle);
            json.WriteIf("maxAge", sweep.MaxAge);
            if (sweep.ShowActive)
                json.WriteBoolean("showActive", true);
            json.WriteIf("keyMarker", sweep.KeyMarker);
            json.WriteIf("uploadIdMarker", sweep.UploadIdMarker);
            if (sweep.Shard is { } shard)
                json.WriteString("shard", shard.ToString());
            json.WriteIf("shards", sweep.FanOut);
            json.WriteNumber("attempt", sweep.Attempt);
            json.WriteEndObject();
            json.WriteEndObject();
        });

    // Kept with its reason for an operator.
    public static string Poison(string reason, string? body, string? messageId) =>
        ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteString("reason", reason);
            json.WriteIf("messageId", messageId);
            json.WriteString("body", body);
            json.WriteEndObject();
        });
}
