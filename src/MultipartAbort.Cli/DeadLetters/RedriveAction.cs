namespace MultipartAbort.Cli.DeadLetters;

internal sealed record RedriveAction(string Text, bool Deleted, bool Failed)
{
    public static RedriveAction Listed { get; } = new("", false, false);

    public static RedriveAction Done(string text) => new(text, true, false);

    public static RedriveAction Kept(string text, bool failed) => new(text, false, failed);
}
