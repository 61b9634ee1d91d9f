namespace MultipartAbort.Core.Ports;

public sealed record PartsPage(int PartCount, long Bytes, bool IsTruncated, int? NextPartNumberMarker);
