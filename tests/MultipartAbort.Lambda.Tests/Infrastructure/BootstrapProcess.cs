using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>
/// The published bootstrap running as Lambda runs it: a fresh process with only the environment it is given
/// (plus PATH), its stdout (log and EMF lines) collected line by line.
/// </summary>
public sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private BootstrapProcess(Process process) => _process = process;

    public static BootstrapProcess Start(string binary, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var runner = new BootstrapProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            runner._stdout.Enqueue(e.Data);
            runner._lineArrived.Release();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                runner._stderr.Enqueue(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    public IReadOnlyList<string> StdoutLines => _stdout.ToArray();
    public string Stderr => string.Join('\n', _stderr);
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Every stdout line parsed as JSON (each must be one JSON object).</summary>
    public IReadOnlyList<JsonElement> JsonLines => StdoutLines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    /// <summary>Waits until a stdout line satisfies <paramref name="match"/>; a guard against hangs, not a timing check.</summary>
    public async Task<JsonElement> WaitForLineAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            foreach (var line in JsonLines)
                if (match(line))
                    return line;
            try
            {
                await _lineArrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching stdout line; stdout:\n{string.Join('\n', StdoutLines)}\nstderr:\n{Stderr}");
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _lineArrived.Dispose();
    }
}
