namespace MultipartAbort.Cli;

/// <summary>What mpa's exit code says (docs/cli.md, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Every upload ended aborted, already-gone, would-abort or requeued (and a sweep listed to the end).</summary>
    public const int Success = 0;

    /// <summary>At least one upload ended failed, dead-lettered or rejected, or a sweep's listing failed.</summary>
    public const int SomeFailed = 1;

    /// <summary>The command line or the event was unusable (bad flag, unreadable file).</summary>
    public const int Usage = 2;

    /// <summary>The configuration (environment) is invalid.</summary>
    public const int Configuration = 3;

    /// <summary>The store refused or could not be reached for a listing (mpa list).</summary>
    public const int StoreError = 4;

    /// <summary>An internal error (a bug): one line on stderr, never a stack trace, never 1.</summary>
    public const int Internal = 70;

    /// <summary>Interrupted (Ctrl+C or SIGTERM).</summary>
    public const int Interrupted = 130;
}
