using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Events;

/// <summary>An entry of a batch: the request, or the rejection that replaces it.</summary>
public sealed record ParsedUpload(AbortRequest? Request, AbortResult? Rejection)
{
    /// <summary>The entry's JSON as received, kept for a rejected entry so it can be dead-lettered on its own.</summary>
    public string? Raw { get; init; }

    public static ParsedUpload Valid(AbortRequest request) => new(request, null);

    public static ParsedUpload Invalid(AbortResult rejection) => new(null, rejection);
}
