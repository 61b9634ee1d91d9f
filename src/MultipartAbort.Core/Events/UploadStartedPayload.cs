namespace MultipartAbort.Core.Events;

public sealed record UploadStartedPayload(UploadStart Start) : RequestPayload;
