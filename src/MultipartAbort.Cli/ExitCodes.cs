namespace MultipartAbort.Cli;

/// <summary>docs/cli.md, "Exit codes".</summary>
public static class ExitCodes
{
    /// <summary>Every upload aborted, already-gone, would-abort or requeued, and a sweep listed to the end.</summary>
    public const int Success = 0;

    /// <summary>An upload failed, dead-lettered or rejected, or a sweep's listing failed.</summary>
    public const int SomeFailed = 1;

    public const int Usage = 2;

    public const int Configuration = 3;

    /// <summary>The store refused or could not be reached for a listing (mpa list).</summary>
    public const int StoreError = 4;

    /// <summary>A bug: one line on stderr, never a stack trace, never 1.</summary>
    public const int Internal = 70;

    public const int Interrupted = 130;

    internal static async Task<int> FailAsync(int code, string message)
    {
        await Console.Error.WriteLineAsync($"mpa: {message}");
        return code;
    }
}
