using MultipartAbort.Core.Report;

namespace MultipartAbort.Core.Events;

/// <summary>A read-only report of the incomplete uploads of some buckets (<c>{"report": {...}}</c>).</summary>
internal sealed record ReportPayload(ReportRequest Report) : RequestPayload;
