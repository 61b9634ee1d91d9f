namespace MultipartAbort.Core.Events;

internal sealed record InvalidPayload(AbortResult Rejection) : RequestPayload;
