using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

public sealed record InvalidPayload(AbortResult Rejection) : RequestPayload;
