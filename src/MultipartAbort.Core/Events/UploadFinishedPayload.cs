namespace MultipartAbort.Core.Events;

/// <summary>
/// An upload-completed or upload-aborted event. Nothing to do: timers are not disarmed (a timer that fires on a finished
/// upload ends already-gone after one ListParts), so the event is logged and answered with no results.
/// </summary>
public sealed record UploadFinishedPayload(string Description) : RequestPayload;
