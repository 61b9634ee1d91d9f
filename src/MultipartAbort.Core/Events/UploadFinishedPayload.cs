namespace MultipartAbort.Core.Events;

// Nothing to do: timers are not disarmed (one ListParts settles them).
internal sealed record UploadFinishedPayload(string Description) : RequestPayload;
