namespace MultipartAbort.Core.Events;

public sealed record ParsedUpload(AbortRequest? Request, AbortResult? Rejection)
{
    // Kept for a rejected entry so it can be dead-lettered on its own.
    public string? Raw { get; init; }

    public static ParsedUpload Valid(AbortRequest request) => new(request, null);

    public static ParsedUpload Invalid(AbortResult rejection) => new(null, rejection);
}
