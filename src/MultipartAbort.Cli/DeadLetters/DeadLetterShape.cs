namespace MultipartAbort.Cli.DeadLetters;

/// <summary>What put a message in the dead-letter queue (docs/cli.md, `mpa dlq`).</summary>
internal enum DeadLetterShape
{
    /// <summary>The function dead-lettered an abort request (parts left after MAX_ATTEMPTS, or a permanent error): the request with its reason.</summary>
    Request,

    /// <summary>The function could not use an SQS record at all (malformed, not allowed): <c>{"reason","messageId","body"}</c>.</summary>
    Poison,

    /// <summary>Lambda's on-failure destination record of an asynchronous invocation (schedule, rules) that kept failing.</summary>
    AsyncFailure,

    /// <summary>Anything else: a retry-queue message SQS moved after maxReceiveCount receives, or an event EventBridge could not deliver.</summary>
    Original,
}
