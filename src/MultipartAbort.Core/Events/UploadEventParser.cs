namespace MultipartAbort.Core.Events;

/// <summary>Upload audit events: a CloudTrail S3 data event record and an IBM Activity Tracker event.</summary>
internal static class UploadEventParser
{
    public const string CloudTrailStart = "CreateMultipartUpload";
    public const string ActivityTrackerStart = "cloud-object-storage.object-multipart.start";
    private const string ActivityTrackerPrefix = "cloud-object-storage.";

    public static RequestPayload? TryParse(JsonElement root)
    {
        if (String(root, "eventSource") == "s3.amazonaws.com" && String(root, "eventName") is { } eventName)
            return FromCloudTrail(root, eventName);
        if (String(root, "action") is { } action && action.StartsWith(ActivityTrackerPrefix, StringComparison.Ordinal)
            && root.TryGetProperty("target", out var target) && target.ValueKind == JsonValueKind.Object)
            return FromActivityTracker(root, action, target);
        return null;
    }

    private static RequestPayload FromCloudTrail(JsonElement record, string eventName)
    {
        var source = $"CloudTrail {eventName}";
        var parameters = Object(record, "requestParameters");
        var bucket = parameters is { } p ? String(p, "bucketName") : null;
        var key = parameters is { } q ? String(q, "key") ?? String(q, "Key") : null;
        if (eventName is "CompleteMultipartUpload" or "AbortMultipartUpload")
            return Finished(source, bucket, key);
        if (eventName != CloudTrailStart)
            return Invalid(bucket, key, $"{source} is not an upload start; only {CloudTrailStart} arms a timer (check the EventBridge rule's eventName filter)");
        if (String(record, "errorCode") is { } error)
            return new UploadFinishedPayload($"{source} for s3://{bucket}/{key} failed with {error}: no upload began, no timer");

        var errors = new Problems();
        if (bucket is null)
            errors.Add("detail.requestParameters.bucketName", "is missing");
        if (key is null)
            errors.Add("detail.requestParameters.key", "is missing");
        // CloudTrail does not document a response body here; when one carries the upload id, the timer names that upload.
        var response = Object(record, "responseElements");
        var uploadId = response is { } r
            ? String(r, "uploadId") ?? String(r, "UploadId") ?? (Object(r, "InitiateMultipartUploadResult") is { } x ? String(x, "UploadId") : null)
            : null;
        return Started(source, bucket, key, uploadId, String(record, "eventTime"), "detail.", "detail.requestParameters.bucketName", "detail.requestParameters.key", errors);
    }

    private static RequestPayload FromActivityTracker(JsonElement e, string action, JsonElement target)
    {
        var source = $"Activity Tracker {action}";
        // COS events name the object in target.name and the bucket at the end of target.id, a CRN ending in ":bucket:<name>".
        var key = String(target, "name");
        var bucket = BucketFromCrn(String(target, "id")) ?? (Object(e, "requestData") is { } rd ? String(rd, "bucketName") : null);
        if (action is "cloud-object-storage.object-multipart.complete" or "cloud-object-storage.object-multipart.delete")
            return Finished(source, bucket, key);
        if (action != ActivityTrackerStart)
            return Invalid(bucket, key, $"{source} is not an upload start; only {ActivityTrackerStart} arms a timer (check the Activity Tracker route's filter)");
        if (String(e, "outcome") is { } outcome && !outcome.Equals("success", StringComparison.OrdinalIgnoreCase))
            return new UploadFinishedPayload($"{source} for s3://{bucket}/{key} ended in {outcome}: no upload began, no timer");

        var errors = new Problems();
        if (bucket is null)
            errors.AddWorded("target.id", "target.id is not a COS CRN ending in :bucket:<name> and requestData.bucketName is missing");
        if (key is null)
            errors.Add("target.name", "(the object key) is missing");
        var uploadId = Object(e, "responseData") is { } response ? String(response, "uploadId") : null;
        return Started(source, bucket, key, uploadId, String(e, "eventTime"), "", "target.id's bucket", "target.name", errors);
    }

    private static UploadFinishedPayload Finished(string source, string? bucket, string? key) =>
        new($"{source} for s3://{bucket}/{key}: no action (timers are not disarmed; a due timer of a finished upload ends already-gone)");

    // Names are refused when the event arrives, not when its timer falls due.
    private static RequestPayload Started(string source, string? bucket, string? key, string? uploadId, string? eventTime, string path, string bucketField, string keyField, Problems errors)
    {
        if (!Rfc3339.TryParseEventTime(eventTime, out var initiated))
            errors.Add($"{path}eventTime", $"is missing or not an ISO-8601 time ('{eventTime}')");
        if (bucket is not null && StoreNames.CheckBucket(bucket) is { } bucketError)
            errors.AddWorded(bucketField == "target.id's bucket" ? "target.id" : bucketField, $"{bucketField} {bucketError}");
        if (key is not null && StoreNames.CheckKey(key) is { } keyError)
            errors.Add(keyField, keyError);
        if (errors.Count > 0)
            return Invalid(bucket, key, $"{source} event: {errors}", errors.Field);
        return new UploadStartedPayload(new UploadStart(bucket!, key!, uploadId, initiated, source));
    }

    private static string? BucketFromCrn(string? crn) =>
        crn?.LastIndexOf(":bucket:", StringComparison.Ordinal) is >= 0 and var at && crn[(at + ":bucket:".Length)..].Split(':')[0] is { Length: > 0 } name ? name : null;

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static JsonElement? Object(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static InvalidPayload Invalid(string? bucket, string? key, string message, string? field = null) =>
        new(AbortResult.Rejected(bucket, key, null, 0, message, field, field is null ? "shape" : null));
}
