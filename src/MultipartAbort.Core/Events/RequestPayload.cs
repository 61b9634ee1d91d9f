using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

/// <summary>What an event (or an SQS body, webhook body, EventBridge detail) asks for.</summary>
public abstract record RequestPayload;

/// <summary>One abort request or a batch: each entry is a valid request or its rejection.</summary>
public sealed record UploadsPayload(IReadOnlyList<ParsedUpload> Items) : RequestPayload;

/// <summary>A sweep of one bucket (and prefix).</summary>
public sealed record SweepPayload(SweepRequest Sweep) : RequestPayload;

/// <summary>A scheduled event with an empty detail: run the sweeps of SWEEP_TARGETS.</summary>
public sealed record ScheduledSweepPayload(string? Source) : RequestPayload;

/// <summary>Not a request at all; the rejection says what was wrong.</summary>
public sealed record InvalidPayload(AbortResult Rejection) : RequestPayload;

/// <summary>An entry of a batch: the request, or the rejection that replaces it.</summary>
public sealed record ParsedUpload(AbortRequest? Request, AbortResult? Rejection)
{
    public static ParsedUpload Valid(AbortRequest request) => new(request, null);

    public static ParsedUpload Invalid(AbortResult rejection) => new(null, rejection);
}
