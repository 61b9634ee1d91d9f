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
    // Null when the parts were not listed before the abort.
    public long? BytesReclaimed { get; init; }

    public DateTimeOffset? IdleAt { get; init; }

    // As a JSON path: uploads[3].key, sweep.olderThan.
    public string? Field { get; init; }

    // minIdle (idle long enough) or maxUploadAge (active, but older than the cap).
    public string? StaleBy { get; init; }

    public const string StaleByMinIdle = "minIdle";
    public const string StaleByMaxUploadAge = "maxUploadAge";

    // A whole-body rejection: text, json or shape.
    public string? Rule { get; init; }

    public static AbortResult Rejected(string? bucket, string? key, string? uploadId, int attempt, string message, string? field = null, string? rule = null) =>
        new(Clip(bucket), Clip(key), Clip(uploadId), AbortOutcome.Rejected, attempt, 0, 0, message) { Field = field, Rule = rule };

    // A 10 MB "key" is cut, so the answer stays small.
    private static string Clip(string? name) => name is null ? "" : name.Length <= 1100 ? name : string.Concat(name.AsSpan(0, 1100), "...");
}
