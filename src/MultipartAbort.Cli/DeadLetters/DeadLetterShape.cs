namespace MultipartAbort.Cli.DeadLetters;

// docs/cli.md, `mpa dlq`.
internal enum DeadLetterShape
{
    Request,

    /// <summary><c>{"reason","messageId","body"}</c>.</summary>
    Poison,

    /// <summary>Lambda's on-failure destination record.</summary>
    AsyncFailure,

    /// <summary>SQS redrive after maxReceiveCount, or an undeliverable EventBridge event.</summary>
    Original,
}
