namespace MultipartAbort.Cli.DeadLetters;

/// <summary>What <c>mpa dlq</c> does with each message: only list it, send it to the retry queue, or run it now.</summary>
internal enum RedriveMode
{
    None,
    Retry,
    Run,
}
