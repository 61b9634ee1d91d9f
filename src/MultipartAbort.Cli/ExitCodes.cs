namespace MultipartAbort.Cli;

/// <summary>What mpa's exit code says (documented in the README).</summary>
public static class ExitCodes
{
    /// <summary>Every upload ended aborted, already-gone, would-abort or requeued.</summary>
    public const int Success = 0;

    /// <summary>At least one upload ended failed, dead-lettered or rejected.</summary>
    public const int SomeFailed = 1;

    /// <summary>The command line or the event was unusable (bad flag, unreadable file).</summary>
    public const int Usage = 2;

    /// <summary>The configuration (environment) is invalid.</summary>
    public const int Configuration = 3;
}
