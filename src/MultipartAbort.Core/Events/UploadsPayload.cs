using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

/// <summary>One abort request or a batch: each entry is a valid request or its rejection.</summary>
public sealed record UploadsPayload(IReadOnlyList<ParsedUpload> Items) : RequestPayload;
