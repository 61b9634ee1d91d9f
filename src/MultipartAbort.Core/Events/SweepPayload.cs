using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

/// <summary>A sweep of one bucket (and prefix).</summary>
internal sealed record SweepPayload(SweepRequest Sweep) : RequestPayload;
