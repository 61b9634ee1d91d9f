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

    public static AbortResult Rejected(string? bucket, string? key, string? uploadId, int attempt, string message) =>
        new(Clip(bucket), Clip(key), Clip(uploadId), AbortOutcome.Rejected, attempt, 0, 0, message);

    /// <summary>A rejected name longer than any valid one (a 10 MB "key") is cut, so the answer stays small.</summary>
    private static string Clip(string? name) => name is null ? "" : name.Length <= 1100 ? name : string.Concat(name.AsSpan(0, 1100), "...");
}
