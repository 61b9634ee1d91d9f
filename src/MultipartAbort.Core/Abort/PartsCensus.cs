namespace MultipartAbort.Core.Abort;

/// <summary>What ListParts (all pages) said: no such upload, or the parts and bytes that remain.</summary>
internal readonly record struct PartsCensus(bool Exists, int Parts, long Bytes)
{
    // Over every page: the newest part is not always the last one.
    public DateTimeOffset? NewestPart { get; init; }

    // The first page's; null where the store does not say.
    public DateTimeOffset? AbortDate { get; init; }

    public string? AbortRuleId { get; init; }

    public bool IsClean => !Exists || Parts == 0;

    // The one MIN_IDLE rule for aborts and reports: active while the newest part (or the start) is younger, or unknown.
    public static bool IsActive(DateTimeOffset? lastActivity, DateTimeOffset now, TimeSpan minIdle) =>
        minIdle > TimeSpan.Zero && (lastActivity is not { } at || now - at < minIdle);

    // S3's 10,000 parts at one per page, whatever a broken server says.
    private const int MaxPages = 10_001;

    public static async Task<PartsCensus> TakeAsync(IObjectStore store, UploadRef upload, CancellationToken ct)
    {
        int? marker = null;
        var parts = 0;
        var bytes = 0L;
        DateTimeOffset? newest = null;
        DateTimeOffset? abortDate = null;
        string? abortRuleId = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await store.ListPartsAsync(upload, marker, ct).ConfigureAwait(false);
            if (result is null)
                return page == 0 ? new PartsCensus(false, 0, 0) : new PartsCensus(parts > 0, parts, bytes) { NewestPart = newest, AbortDate = abortDate, AbortRuleId = abortRuleId };
            if (page == 0)
                (abortDate, abortRuleId) = (result.AbortDate, result.AbortRuleId);
            parts += result.PartCount;
            bytes += result.Bytes;
            if (result.NewestPart is { } landed && (newest is null || landed > newest))
                newest = landed;
            // No marker past the last one would loop forever: stop there.
            if (!result.IsTruncated || result.NextPartNumberMarker is not { } next || (marker is { } m && next <= m))
                break;
            marker = next;
        }
        return new PartsCensus(true, parts, bytes) { NewestPart = newest, AbortDate = abortDate, AbortRuleId = abortRuleId };
    }
}
