namespace MultipartAbort.Adapters;

/// <summary>A received queue message: its body, the handle to delete or release it, and what the queue knows about it.</summary>
/// <param name="ReceiveCount">How many times it has been received, this time included.</param>
/// <param name="Attributes">String attributes (EventBridge's dead-letter copies carry ERROR_CODE, ERROR_MESSAGE, RULE_ARN).</param>
public sealed record InboxMessage(
    string MessageId,
    string Body,
    string ReceiptHandle,
    int ReceiveCount,
    DateTimeOffset? SentAt,
    IReadOnlyDictionary<string, string> Attributes
);
