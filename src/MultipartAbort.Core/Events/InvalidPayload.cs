using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

/// <summary>Not a request at all; the rejection says what was wrong.</summary>
public sealed record InvalidPayload(AbortResult Rejection) : RequestPayload;
