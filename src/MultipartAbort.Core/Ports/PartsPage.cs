namespace MultipartAbort.Core.Ports;

public sealed record PartsPage(int PartCount, long Bytes, bool IsTruncated, int? NextPartNumberMarker)
{
    /// <summary>When the newest part of this page landed (its LastModified); null when the page has no part or the server gives no dates.</summary>
    public DateTimeOffset? NewestPart { get; init; }

    /// <summary>When a lifecycle rule will abort the upload, and which (x-amz-abort-date, x-amz-abort-rule-id); null where the store does not say.</summary>
    public DateTimeOffset? AbortDate { get; init; }

    public string? AbortRuleId { get; init; }
}
