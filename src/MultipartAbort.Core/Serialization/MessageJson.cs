namespace MultipartAbort.Core.Serialization;

/// <summary>Queue messages in the shape the function reads, so either queue's messages can be fed back as is.</summary>
internal static class MessageJson
{
    public static string AbortRequest(AbortRequest request)
    {
        return ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteString("bucket", request.Bucket);
            json.WriteString("key", request.Key);
            // A timer armed without an upload id names the key by time instead.
            if (!request.NamesKeyOnly)
                json.WriteString("uploadId", request.UploadId);
            if (request.InitiatedAt is { } initiatedAt)
                json.WriteString("initiatedAt", Rfc3339.Format(initiatedAt));
            if (request.NotBefore is { } notBefore)
                json.WriteString("notBefore", Rfc3339.Format(notBefore));
            json.WriteNumber("attempt", request.Attempt);
            if (request.Reason is not null)
                json.WriteString("reason", request.Reason);
            if (request.ExpectedBucketOwner is not null)
                json.WriteString("expectedBucketOwner", request.ExpectedBucketOwner);
            if (request.RequestPayer is not null)
                json.WriteString("requestPayer", request.RequestPayer);
            if (request.MinIdle is { } minIdle)
                json.WriteString("minIdle", IsoDuration.Format(minIdle));
            json.WriteEndObject();
        });
    }

    public static string Sweep(SweepRequest sweep)
    {
        return ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("sweep");
            json.WriteString("bucket", sweep.Bucket);
            if (sweep.Prefix is not null)
                json.WriteString("prefix", sweep.Prefix);
            json.WriteString("olderThan", IsoDuration.Format(sweep.OlderThan));
            json.WriteBoolean("dryRun", sweep.DryRun);
            if (sweep.MinIdle is { } minIdle)
                json.WriteString("minIdle", IsoDuration.Format(minIdle));
            if (sweep.MaxAge is { } maxAge)
                json.WriteString("maxAge", IsoDuration.Format(maxAge));
            if (sweep.ShowActive)
                json.WriteBoolean("showActive", true);
            if (sweep.KeyMarker is not null)
                json.WriteString("keyMarker", sweep.KeyMarker);
            if (sweep.UploadIdMarker is not null)
                json.WriteString("uploadIdMarker", sweep.UploadIdMarker);
            if (sweep.Shard is { } shard)
                json.WriteString("shard", shard.ToString());
            if (sweep.FanOut is { } shards)
                json.WriteNumber("shards", shards);
            json.WriteNumber("attempt", sweep.Attempt);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    // Kept with its reason for an operator.
    public static string Poison(string reason, string? body, string? messageId)
    {
        return ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteString("reason", reason);
            if (messageId is not null)
                json.WriteString("messageId", messageId);
            json.WriteString("body", body);
            json.WriteEndObject();
        });
    }

}
