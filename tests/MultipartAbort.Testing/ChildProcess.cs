using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MultipartAbort.Testing;

/// <summary>
/// A published binary running as its platform runs it (the Lambda bootstrap, the Code Engine host): a fresh process
/// with only the environment it is given (plus PATH), its stdout (log and EMF lines) collected line by line. A Critical
/// line is the last line of defence catching a bug, so disposing fails the test that saw one, unless the test provokes
/// one on purpose (<c>expectCritical</c>: a start-up failure).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private readonly bool _expectCritical;

    private ChildProcess(Process process, bool expectCritical)
    {
        _process = process;
        _expectCritical = expectCritical;
    }

    public static ChildProcess Start(string binary, IReadOnlyDictionary<string, string?> environment, bool expectCritical = false)
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
        var child = new ChildProcess(process, expectCritical);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            child._stdout.Enqueue(e.Data);
            child._lineArrived.Release();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                child._stderr.Enqueue(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public IReadOnlyList<string> StdoutLines => _stdout.ToArray();
    public string Stderr => string.Join('\n', _stderr);
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Every stdout line parsed as JSON (each must be one JSON object).</summary>
    public IReadOnlyList<JsonElement> JsonLines => StdoutLines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    /// <summary>What it wrote so far, for a failure message.</summary>
    public string Output => $"stdout:\n{string.Join('\n', StdoutLines)}\nstderr:\n{Stderr}";

    /// <summary>Waits until a stdout line satisfies <paramref name="match"/>; a guard against hangs, not a timing check.</summary>
    public async Task<JsonElement> WaitForLineAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Guard);
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
                throw new TimeoutException($"no matching stdout line; {Output}");
            }
        }
    }

    /// <summary>Sends SIGTERM, as Lambda and Code Engine do when they stop an instance.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastWin32Error()}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Guard);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _lineArrived.Dispose();
        if (!_expectCritical && StdoutLines.FirstOrDefault(IsCritical) is { } critical)
            throw new InvalidOperationException($"the process logged a Critical line (its last line of defence caught a bug):\n{critical}\n{Output}");
    }

    private static bool IsCritical(string line) => line.Contains("\"level\":\"Critical\"", StringComparison.Ordinal);
}
