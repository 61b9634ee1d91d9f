namespace MultipartAbort.Core.Events;

/// <summary>A scheduled event with an empty detail: run the sweeps of SWEEP_TARGETS.</summary>
internal sealed record ScheduledSweepPayload(string? Source) : RequestPayload;
