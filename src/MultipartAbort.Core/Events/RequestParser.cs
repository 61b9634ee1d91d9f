namespace MultipartAbort.Core.Events;

/// <summary>Reads the request shapes by hand rather than by a serialiser, so every rejection names the field and the fault.</summary>
public static class RequestParser
{
    public const int MaxBatchSize = 1000;
    private const int MaxKeyBytes = StoreNames.MaxKeyBytes;
    private const int MaxRawEntryChars = 4096;

    public static RequestPayload ParseText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Invalid("the body is empty; expected a JSON object with bucket, key and uploadId, uploads, or sweep", rule: "shape");
        if (StrictText.SurrogateProblem(text) is { } notText)
            return Invalid($"the body is not valid text: {notText}", rule: "text");
        if (EventDecoder.Parse(Encoding.UTF8.GetBytes(text), "body", out var refusal) is not { } doc)
            return refusal;
        using (doc)
            return Parse(doc.RootElement);
    }

    internal static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 };

    internal static RequestPayload Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Invalid($"expected a JSON object; got {JsonFields.Describe(root)}", rule: "shape");
        // Here so every carrier takes upload-started/finished events.
        if (UploadEventParser.TryParse(root) is { } uploadEvent)
            return uploadEvent;
        foreach (var (name, parse) in Wrapped)
            if (root.TryGetProperty(name, out var inner))
                return JsonFields.Unknown(root, "", [name], out var field) is { } extra ? Invalid(extra, field) : parse(inner);
        if (root.TryGetProperty("bucket", out _) || root.TryGetProperty("key", out _) || root.TryGetProperty("uploadId", out _))
        {
            var parsed = ParseUpload(root, "");
            return new UploadsPayload([parsed]);
        }
        return Invalid("the object has none of bucket/key/uploadId, uploads, sweep or report, so it names no upload", rule: "shape");
    }

    private static RequestPayload ParseBatch(JsonElement uploads)
    {
        if (uploads.ValueKind != JsonValueKind.Array)
            return Invalid($"uploads must be an array of abort requests; got {JsonFields.Describe(uploads)}", "uploads");
        var count = uploads.GetArrayLength();
        if (count == 0)
            return Invalid("uploads is empty; name at least one upload", "uploads");
        if (count > MaxBatchSize)
            return Invalid($"uploads has {count} entries; at most {MaxBatchSize} are allowed in one batch", "uploads");
        var items = new List<ParsedUpload>(count);
        var i = 0;
        foreach (var item in uploads.EnumerateArray())
            items.Add(ParseUpload(item, $"uploads[{i++}]."));
        return new UploadsPayload(items);
    }

    internal static ParsedUpload ParseUpload(JsonElement e, string path)
    {
        var parsed = ParseUploadCore(e, path);
        if (parsed.Rejection is null)
            return parsed;
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e);
        if (raw.Length > MaxRawEntryChars || !System.Text.Unicode.Utf8.IsValid(raw))
            return parsed; // too large to keep, or not valid text: the rejection says why
        return parsed with { Raw = Encoding.UTF8.GetString(raw) };
    }

    private static ParsedUpload ParseUploadCore(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
            return ParsedUpload.Invalid(AbortResult.Rejected(null, null, null, 0, $"{(path.Length == 0 ? "the request" : path.TrimEnd('.'))} must be an object with bucket, key and uploadId; got {JsonFields.Describe(e)}", path.TrimEnd('.'), path.Length == 0 ? "shape" : null));
        var errors = new Problems();
        if (JsonFields.Unknown(e, path, UploadFields, out var unknownField) is { } extra)
            errors.AddWorded(unknownField, extra);
        var bucket = JsonFields.RequiredString(e, "bucket", path, errors);
        var key = JsonFields.RequiredString(e, "key", path, errors);
        var initiatedAt = OptionalTime(e, "initiatedAt", path, errors);
        var notBefore = OptionalTime(e, "notBefore", path, errors);
        // A timer armed without an upload id names the key and the time the upload began instead.
        var uploadId = initiatedAt is null || (e.TryGetProperty("uploadId", out var given) && given.ValueKind != JsonValueKind.Null) ? JsonFields.RequiredString(e, "uploadId", path, errors) : "";
        if (initiatedAt is not null && !string.IsNullOrEmpty(uploadId))
            errors.Add($"{path}initiatedAt", "names the uploads of a key by time and cannot be combined with uploadId; give one of them");
        var attempt = JsonFields.OptionalInt(e, "attempt", path, errors) ?? 0;
        var reason = JsonFields.OptionalString(e, "reason", path, errors);
        var owner = JsonFields.OptionalString(e, "expectedBucketOwner", path, errors);
        var payer = JsonFields.OptionalString(e, "requestPayer", path, errors);
        var minIdle = OptionalDuration(e, "minIdle", path, errors);

        if (bucket is not null && ValidateBucket(bucket) is { } bucketError)
            errors.Add($"{path}bucket", bucketError);
        if (key is not null && StoreNames.CheckKey(key) is { } keyError)
            errors.Add($"{path}key", keyError);
        if (uploadId is not null && (uploadId.Length > MaxKeyBytes || uploadId.Any(char.IsControl)))
            errors.Add($"{path}uploadId", $"contains control characters or is longer than {MaxKeyBytes} characters");
        if (owner is not null && (owner.Length != 12 || !owner.All(char.IsAsciiDigit)))
            errors.Add($"{path}expectedBucketOwner", $"must be a 12-digit account id; got '{JsonFields.Truncate(owner)}'");
        if (payer is not null && payer != "requester")
            errors.Add($"{path}requestPayer", $"must be \"requester\" when given; got '{JsonFields.Truncate(payer)}'");

        if (errors.Count > 0)
            return ParsedUpload.Invalid(AbortResult.Rejected(bucket, key, uploadId, attempt, errors.ToString(), errors.Field));
        return ParsedUpload.Valid(
            new AbortRequest(bucket!, key!, uploadId!)
            {
                Attempt = attempt,
                Reason = reason,
                ExpectedBucketOwner = owner,
                RequestPayer = payer,
                NotBefore = notBefore,
                InitiatedAt = initiatedAt,
                MinIdle = minIdle,
            }
        );
    }

    private static TimeSpan? OptionalDuration(JsonElement e, string name, string path, Problems errors)
    {
        if (JsonFields.OptionalString(e, name, path, errors) is not { } text)
            return null;
        if (IsoDuration.TryParse(text, out var duration, out var error))
            return duration;
        errors.Add($"{path}{name}", error!);
        return null;
    }

    private static DateTimeOffset? OptionalTime(JsonElement e, string name, string path, Problems errors) =>
        JsonFields.Field(e, name, path, errors, v => v.ValueKind == JsonValueKind.String && Rfc3339.TryParse(v.GetString(), out _), "must be an RFC 3339 time with an offset, such as 2026-01-01T12:00:00Z") is { } v
        && Rfc3339.TryParse(v.GetString(), out var time)
            ? time
            : null;

    private static RequestPayload ParseSweep(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            return Invalid($"sweep must be an object with bucket and olderThan; got {JsonFields.Describe(e)}", "sweep");
        const string path = "sweep.";
        var errors = new Problems();
        if (JsonFields.Unknown(e, path, SweepRequestFields, out var unknownField) is { } extra)
            errors.AddWorded(unknownField, extra);
        var bucket = JsonFields.RequiredString(e, "bucket", path, errors);
        var prefix = JsonFields.OptionalString(e, "prefix", path, errors);
        var olderThanText = JsonFields.RequiredString(e, "olderThan", path, errors);
        var dryRun = JsonFields.OptionalBool(e, "dryRun", path, errors) ?? false;
        // Accepted but moot: every sweep probes parts before the abort, so it always measures bytes.
        JsonFields.OptionalBool(e, "measureBytes", path, errors);
        var minIdle = OptionalDuration(e, "minIdle", path, errors);
        var maxAge = OptionalDuration(e, "maxAge", path, errors);
        var showActive = JsonFields.OptionalBool(e, "showActive", path, errors) ?? false;
        var keyMarker = JsonFields.OptionalString(e, "keyMarker", path, errors);
        var uploadIdMarker = JsonFields.OptionalString(e, "uploadIdMarker", path, errors);
        var attempt = JsonFields.OptionalInt(e, "attempt", path, errors) ?? 0;
        var shardText = JsonFields.OptionalString(e, "shard", path, errors);
        var fanOut = JsonFields.OptionalInt(e, "shards", path, errors);
        SweepShard? shard = null;
        if (shardText is not null && (shard = SweepShard.Parse(shardText, out var shardError)) is null)
            errors.Add($"{path}shard", shardError!);
        if (fanOut is < 1 or > SweepShard.MaxCount)
            errors.Add($"{path}shards", $"must be from 1 to {SweepShard.MaxCount}; got {fanOut}");
        if (fanOut is not null && shard is not null)
            errors.Add($"{path}shards", "(fan out into N shard requests) and shard (one of them) do not go together");
        var olderThan = TimeSpan.Zero;
        if (olderThanText is not null && !IsoDuration.TryParse(olderThanText, out olderThan, out var durationError))
            errors.Add($"{path}olderThan", durationError!);
        if (bucket is not null && ValidateBucket(bucket) is { } bucketError)
            errors.Add($"{path}bucket", bucketError);
        if (uploadIdMarker is not null && keyMarker is null)
            errors.Add($"{path}uploadIdMarker", "needs keyMarker");

        if (errors.Count > 0)
            return new InvalidPayload(AbortResult.Rejected(bucket, prefix, null, attempt, errors.ToString(), errors.Field));
        return new SweepPayload(
            new SweepRequest(bucket!, olderThan)
            {
                Prefix = string.IsNullOrEmpty(prefix) ? null : prefix,
                DryRun = dryRun,
                MinIdle = minIdle,
                MaxAge = maxAge,
                ShowActive = showActive,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
                Attempt = attempt,
                Shard = shard,
                FanOut = fanOut,
            }
        );
    }

    private static RequestPayload ParseReport(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            return Invalid($"report must be an object with bucket, buckets or allBuckets; got {JsonFields.Describe(e)}", "report");
        const string path = "report.";
        var errors = new Problems();
        if (JsonFields.Unknown(e, path, ReportRequestFields, out var unknownField) is { } extra)
            errors.AddWorded(unknownField, extra);
        var buckets = new List<string>();
        if (JsonFields.OptionalString(e, "bucket", path, errors) is { } one)
            buckets.Add(one);
        if (JsonFields.Field(e, "buckets", path, errors, l => l.ValueKind == JsonValueKind.Array && l.EnumerateArray().All(b => b.ValueKind == JsonValueKind.String), "must be an array of bucket names or globs") is { } list)
            buckets.AddRange(list.EnumerateArray().Select(b => b.GetString()!));
        var all = JsonFields.OptionalBool(e, "allBuckets", path, errors) ?? false;
        var depth = JsonFields.OptionalInt(e, "depth", path, errors) ?? 0;
        var minIdle = OptionalDuration(e, "minIdle", path, errors);
        var by = Report.ReportBy.None;
        if (JsonFields.OptionalString(e, "by", path, errors) is { } byText && !Report.Showback.TryParse(byText, out by))
            errors.Add($"{path}by", $"must be \"initiator\" or \"owner\"; got {JsonFields.Describe(e.GetProperty("by"))}");
        var byTop = JsonFields.OptionalInt(e, "byTop", path, errors) ?? Report.Showback.DefaultTop;
        if (byTop is < 1 or > Report.Showback.MaxTop)
            errors.Add($"{path}byTop", $"must be from 1 to {Report.Showback.MaxTop}; got {byTop}");
        var price = JsonFields.Field(e, "pricePerGbMonth", path, errors, p => p.ValueKind == JsonValueKind.Number && p.TryGetDecimal(out var value) && value >= 0, "must be a number, 0 or more")?.GetDecimal();
        foreach (var bucket in buckets.Where(b => !Fleet.BucketSelector.IsGlob(b)))
            if (ValidateBucket(bucket) is { } bucketError)
                errors.Add($"{path}bucket", bucketError);
        if (buckets.Count == 0 && !all && errors.Count == 0)
            errors.AddWorded("report", $"{path}names no bucket: give bucket, buckets (names or globs) or allBuckets: true");
        if (depth is < 0 or > Report.ReportRequest.MaxDepth)
            errors.Add($"{path}depth", $"must be from 0 to {Report.ReportRequest.MaxDepth}; got {depth}");

        if (errors.Count > 0)
            return new InvalidPayload(AbortResult.Rejected(buckets.FirstOrDefault(), null, null, 0, errors.ToString(), errors.Field));
        var request = new Report.ReportRequest { Buckets = buckets, AllBuckets = all, Depth = depth, MinIdle = minIdle, By = by, ByTop = byTop };
        return new ReportPayload(price is { } given ? request with { PricePerGbMonth = given, PriceName = "the request's pricePerGbMonth" } : request);
    }

    public static string? ValidateBucket(string bucket) => StoreNames.CheckBucket(bucket);

    // Unknown fields are refused: a misspelt option silently dropped would do something other than asked.
    private static readonly string[] UploadFields = ["bucket", "key", "uploadId", "attempt", "reason", "expectedBucketOwner", "requestPayer", "notBefore", "initiatedAt", "minIdle"];
    private static readonly string[] SweepRequestFields = ["bucket", "prefix", "olderThan", "dryRun", "measureBytes", "minIdle", "maxAge", "showActive", "keyMarker", "uploadIdMarker", "attempt", "shard", "shards"];
    private static readonly (string Name, Func<JsonElement, RequestPayload> Parse)[] Wrapped = [("uploads", ParseBatch), ("sweep", ParseSweep), ("report", ParseReport)];
    private static readonly string[] ReportRequestFields = ["bucket", "buckets", "allBuckets", "depth", "minIdle", "pricePerGbMonth", "by", "byTop"];

    internal static InvalidPayload Invalid(string message, string? field = null, string? rule = null) => new(AbortResult.Rejected(null, null, null, 0, message, field, rule));
}
