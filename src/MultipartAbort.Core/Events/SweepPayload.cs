using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

public sealed record SweepPayload(SweepRequest Sweep) : RequestPayload;
