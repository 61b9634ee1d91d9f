using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Abort;

/// <summary>What ListParts (all pages) said: no such upload, or how many parts and bytes remain, and when the newest landed.</summary>
internal readonly record struct PartsCensus(bool Exists, int Parts, long Bytes)
{
    /// <summary>The newest part's LastModified over every page (the newest part is not always the last one); null with no part.</summary>
    public DateTimeOffset? NewestPart { get; init; }

    /// <summary>ListParts' x-amz-abort-date and x-amz-abort-rule-id (the first page's); null where the store does not say.</summary>
    public DateTimeOffset? AbortDate { get; init; }

    public string? AbortRuleId { get; init; }

    public bool IsClean => !Exists || Parts == 0;

    /// <summary>
    /// Stale by activity (MIN_IDLE), the one rule for aborts and reports: active while the last activity (the newest
    /// part, or with none the start) is less than <paramref name="minIdle"/> old, or unknown; zero turns it off.
    /// </summary>
    public static bool IsActive(DateTimeOffset? lastActivity, DateTimeOffset now, TimeSpan minIdle) =>
        minIdle > TimeSpan.Zero && (lastActivity is not { } at || now - at < minIdle);

    /// <summary>Never more pages than S3's 10,000 parts at one per page, whatever a broken server says.</summary>
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
            // A page that claims more but gives no marker past the last one would loop forever: stop there.
            if (!result.IsTruncated || result.NextPartNumberMarker is not { } next || (marker is { } m && next <= m))
                break;
            marker = next;
        }
        return new PartsCensus(true, parts, bytes) { NewestPart = newest, AbortDate = abortDate, AbortRuleId = abortRuleId };
    }
}
