using MultipartAbort.Core.Report;

namespace MultipartAbort.Core.Events;

public sealed record ReportPayload(ReportRequest Report) : RequestPayload;
