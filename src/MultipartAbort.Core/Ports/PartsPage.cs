namespace MultipartAbort.Core.Ports;

public sealed record PartsPage(int PartCount, long Bytes, bool IsTruncated, int? NextPartNumberMarker)
{
    // Null when the page has no part or the server gives no dates.
    public DateTimeOffset? NewestPart { get; init; }

    // x-amz-abort-date, x-amz-abort-rule-id; null where the store does not say.
    public DateTimeOffset? AbortDate { get; init; }

    public string? AbortRuleId { get; init; }
}
