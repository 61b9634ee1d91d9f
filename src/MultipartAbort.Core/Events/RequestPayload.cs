namespace MultipartAbort.Core.Events;

public abstract record RequestPayload;

public sealed record UploadsPayload(IReadOnlyList<ParsedUpload> Items) : RequestPayload;

internal sealed record InvalidPayload(AbortResult Rejection) : RequestPayload;

internal sealed record SweepPayload(SweepRequest Sweep) : RequestPayload;

internal sealed record ReportPayload(ReportRequest Report) : RequestPayload;

/// <summary>A scheduled event with an empty detail: run the sweeps of SWEEP_TARGETS.</summary>
internal sealed record ScheduledSweepPayload(string? Source) : RequestPayload;

internal sealed record UploadStartedPayload(UploadStart Start) : RequestPayload;

// Nothing to do: timers are not disarmed (one ListParts settles them).
internal sealed record UploadFinishedPayload(string Description) : RequestPayload;

// UploadId is null when the audit event does not carry it.
internal sealed record UploadStart(string Bucket, string Key, string? UploadId, DateTimeOffset Initiated, string Source);

internal abstract record DecodedEvent;

internal sealed record PayloadEvent(RequestPayload Payload) : DecodedEvent;

internal sealed record SqsBatchEvent(SqsEvent Event) : DecodedEvent;

// Signature first, then the body.
internal sealed record HttpEvent(HttpProxyEvent Request) : DecodedEvent;
