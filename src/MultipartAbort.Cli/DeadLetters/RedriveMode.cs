namespace MultipartAbort.Cli.DeadLetters;

internal enum RedriveMode
{
    None,
    Retry,
    Run,
}
