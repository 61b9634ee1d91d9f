namespace MultipartAbort.Core.Events;

public sealed record UploadsPayload(IReadOnlyList<ParsedUpload> Items) : RequestPayload;
