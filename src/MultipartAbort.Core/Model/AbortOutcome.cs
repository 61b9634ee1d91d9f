namespace MultipartAbort.Core.Model;

/// <summary>Every request ends in exactly one of these.</summary>
public enum AbortOutcome
{
    // Verified clean with ListParts.
    Aborted,

    // No such upload, verified.
    AlreadyGone,

    Requeued,

    // Or the request can never succeed.
    DeadLettered,

    // No call to the store was made.
    Rejected,

    // A transient error outlived the retries.
    Failed,

    WouldAbort,

    // Chosen by age but still receiving parts (MIN_IDLE).
    Active,
}
