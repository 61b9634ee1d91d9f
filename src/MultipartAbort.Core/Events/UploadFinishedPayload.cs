namespace MultipartAbort.Core.Events;

/// <summary>
/// An upload-completed or -aborted event: nothing to do, as timers are not disarmed (one ListParts settles them).
/// </summary>
internal sealed record UploadFinishedPayload(string Description) : RequestPayload;
