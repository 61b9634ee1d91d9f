using System.Diagnostics;

namespace MultipartAbort.Testing;

/// <summary>Runs the real mpa (the Native AOT binary, <see cref="PublishedMpa"/>) as a child process, as an operator or a script would.</summary>
public static class MpaProcess
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr);

    public static Task<Run> RunAsync(IReadOnlyDictionary<string, string?> env, params string[] args) => RunWithInputAsync(env, null, args);

    public static Task<Run> RunWithInputAsync(IReadOnlyDictionary<string, string?> env, string? stdin, params string[] args) =>
        RunWithBytesAsync(env, stdin is null ? null : System.Text.Encoding.UTF8.GetBytes(stdin), args);

    /// <summary>
    /// The one way the tests run mpa: the native binary, a clean environment (the variables below are never inherited
    /// from the test process), <paramref name="stdin"/> written and closed, and a guard against a hang.
    /// </summary>
    public static async Task<Run> RunWithBytesAsync(IReadOnlyDictionary<string, string?> env, byte[]? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(await PublishedMpa.PathAsync())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        foreach (var name in new[] { "COS_ENDPOINT", "RETRY_QUEUE_URL", "DEAD_LETTER_QUEUE_URL", "ALLOWED_BUCKETS", "ALLOWED_PREFIXES", "MIN_UPLOAD_AGE", "DRY_RUN", "SWEEP_CONCURRENCY", "POWERTOOLS_LOG_LEVEL" })
            start.Environment.Remove(name);
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in env)
            start.Environment[name] = value;

        using var process = Process.Start(start)!;
        if (stdin is not null)
            await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hang, not a timing check: generous, because a 2-core box running several test
        // projects at once can take minutes over the largest sweep here.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpa {string.Join(' ', args)} did not exit within 15 minutes; stderr:\n{await stderr}");
        }
        var run = new Run(process.ExitCode, await stdout, await stderr);
        // The last line of defence caught something: whatever the test expects, that is a bug to fix.
        if (run.Stderr.Contains("\"level\":\"Critical\"", StringComparison.Ordinal) || run.Stderr.Contains("mpa: internal error", StringComparison.Ordinal))
            throw new InvalidOperationException($"mpa {string.Join(' ', args)} logged a Critical line or an internal error (exit {run.ExitCode}):\n{run.Stderr}");
        return run;
    }
}
