namespace MultipartAbort.Core.Model;

/// <summary>How one request ended. Every request ends in exactly one of these.</summary>
public enum AbortOutcome
{
    /// <summary>Abort done and verified clean with ListParts.</summary>
    Aborted,

    /// <summary>There was no such upload (verified).</summary>
    AlreadyGone,

    /// <summary>Parts remained; the request was re-queued with attempt + 1.</summary>
    Requeued,

    /// <summary>Parts remained after the last attempt (or the request can never succeed); sent to the dead-letter queue.</summary>
    DeadLettered,

    /// <summary>Invalid or not allowed: no call to the store was made.</summary>
    Rejected,

    /// <summary>A transient error outlived the retries.</summary>
    Failed,

    /// <summary>Dry run: the upload would have been aborted; nothing changed.</summary>
    WouldAbort,

    /// <summary>Chosen by age but still receiving parts (MIN_IDLE): left alone, nothing changed.</summary>
    Active,
}
