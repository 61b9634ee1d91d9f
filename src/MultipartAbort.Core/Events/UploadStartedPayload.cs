namespace MultipartAbort.Core.Events;

internal sealed record UploadStartedPayload(UploadStart Start) : RequestPayload;
