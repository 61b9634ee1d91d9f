namespace MultipartAbort.Core.Events;

internal sealed record ReportPayload(ReportRequest Report) : RequestPayload;
