namespace MultipartAbort.Adapters;

/// <param name="ReceiveCount">This time included.</param>
/// <param name="Attributes">EventBridge's dead-letter copies carry ERROR_CODE, ERROR_MESSAGE, RULE_ARN.</param>
public sealed record InboxMessage(
    string MessageId,
    string Body,
    string ReceiptHandle,
    int ReceiveCount,
    DateTimeOffset? SentAt,
    IReadOnlyDictionary<string, string> Attributes
);
