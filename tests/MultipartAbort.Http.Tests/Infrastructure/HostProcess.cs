using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MultipartAbort.Http.Tests.Infrastructure;

/// <summary>
/// The published host running as Code Engine runs it: a fresh process with only the environment it is given (plus PATH
/// and PORT, a free loopback port), its stdout collected line by line, reached over a real socket.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private HostProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IReadOnlyList<string> StdoutLines => _stdout.ToArray();
    public string Stderr => string.Join('\n', _stderr);
    public bool HasExited => _process.HasExited;

    /// <summary>Every stdout line parsed as JSON (each must be one JSON object).</summary>
    public IReadOnlyList<JsonElement> JsonLines => StdoutLines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    /// <summary>Starts the host; with <paramref name="waitUntilReady"/>, returns once /healthz answers 200.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, bool waitUntilReady = true)
    {
        var binary = await PublishedHost.PathAsync();
        var port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var host = new HostProcess(process, port);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            host._stdout.Enqueue(e.Data);
            host._lineArrived.Release();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                host._stderr.Enqueue(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitUntilReady)
            await host.WaitUntilReadyAsync();
        return host;
    }

    /// <summary>Polls /healthz until it answers 200; a guard against hangs, not a timing check.</summary>
    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the host exited with {_process.ExitCode} before it was ready; stdout:\n{string.Join('\n', StdoutLines)}\nstderr:\n{Stderr}");
            try
            {
                using var response = await Client.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the host did not become ready; stdout:\n{string.Join('\n', StdoutLines)}\nstderr:\n{Stderr}");
    }

    /// <summary>Waits until a stdout line satisfies <paramref name="match"/>; a guard against hangs, not a timing check.</summary>
    public async Task<JsonElement> WaitForLineAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
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

    /// <summary>Sends SIGTERM, as Code Engine does when it scales the app down.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastWin32Error()}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _lineArrived.Dispose();
    }
}
