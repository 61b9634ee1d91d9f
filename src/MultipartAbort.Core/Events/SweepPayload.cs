namespace MultipartAbort.Core.Events;

internal sealed record SweepPayload(SweepRequest Sweep) : RequestPayload;
