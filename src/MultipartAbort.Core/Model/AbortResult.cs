namespace MultipartAbort.Core.Model;

/// <summary>The outcome of one request, as it appears in <c>results[]</c>.</summary>
public sealed record AbortResult(
    string Bucket,
    string Key,
    string UploadId,
    AbortOutcome Outcome,
    int Attempt,
    int AbortCalls,
    int PartsRemaining,
    string Message
)
{
    /// <summary>Bytes of the parts this abort removed, when they were listed before it; null when unknown.</summary>
    public long? BytesReclaimed { get; init; }

    /// <summary>For <see cref="AbortOutcome.Active"/>: when the upload is idle long enough to abort, if no part lands before.</summary>
    public DateTimeOffset? IdleAt { get; init; }

    /// <summary>For a rejection: the request's field that was wrong, as a JSON path (<c>uploads[3].key</c>, <c>sweep.olderThan</c>).</summary>
    public string? Field { get; init; }

    /// <summary>
    /// Set when the activity check (MIN_IDLE) ran and the upload was taken: <c>minIdle</c> (idle long enough) or
    /// <c>maxUploadAge</c> (active, but it began longer ago than the cap).
    /// </summary>
    public string? StaleBy { get; init; }

    public const string StaleByMinIdle = "minIdle";
    public const string StaleByMaxUploadAge = "maxUploadAge";

    /// <summary>For a rejection of the whole body, not of one field: the rule it broke (<c>text</c>, <c>json</c>, <c>shape</c>).</summary>
    public string? Rule { get; init; }

    public static AbortResult Rejected(string? bucket, string? key, string? uploadId, int attempt, string message, string? field = null, string? rule = null) =>
        new(Clip(bucket), Clip(key), Clip(uploadId), AbortOutcome.Rejected, attempt, 0, 0, message) { Field = field, Rule = rule };

    /// <summary>A rejected name longer than any valid one (a 10 MB "key") is cut, so the answer stays small.</summary>
    private static string Clip(string? name) => name is null ? "" : name.Length <= 1100 ? name : string.Concat(name.AsSpan(0, 1100), "...");
}
