namespace MultipartAbort.Cli.DeadLetters;

/// <summary>What happened to one dead-letter message: its text, whether it left the queue, whether it is a failure.</summary>
internal sealed record RedriveAction(string Text, bool Deleted, bool Failed)
{
    public static RedriveAction Listed { get; } = new("", false, false);

    public static RedriveAction Done(string text) => new(text, true, false);

    public static RedriveAction Kept(string text, bool failed) => new(text, false, failed);
}
