namespace MultipartAbort.Cli.DeadLetters;

/// <summary>What put a message in the dead-letter queue (docs/cli.md, `mpa dlq`).</summary>
internal enum DeadLetterShape
{
    /// <summary>An abort request the function dead-lettered, with its reason.</summary>
    Request,

    /// <summary>An SQS record the function could not use: <c>{"reason","messageId","body"}</c>.</summary>
    Poison,

    /// <summary>Lambda's on-failure destination record of an asynchronous invocation.</summary>
    AsyncFailure,

    /// <summary>Anything else: SQS redrive after maxReceiveCount, or an undeliverable EventBridge event.</summary>
    Original,
}
