using System.Net;
using System.Text.Json;
using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.Infrastructure;

/// <summary>
/// The published host running as Code Engine runs it: a <see cref="ChildProcess"/> with only the environment it is
/// given (plus PATH and PORT, a free loopback port), reached over a real socket.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private HostProcess(ChildProcess process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IReadOnlyList<string> StdoutLines => _process.StdoutLines;
    public string Stderr => _process.Stderr;
    public bool HasExited => _process.HasExited;

    /// <summary>Every stdout line parsed as JSON (each must be one JSON object).</summary>
    public IReadOnlyList<JsonElement> JsonLines => _process.JsonLines;

    /// <summary>
    /// Starts the host; with <paramref name="waitUntilReady"/>, returns once /healthz answers 200. Disposing it fails the
    /// test when it logged a Critical line, unless <paramref name="expectCritical"/> says the test provokes one.
    /// </summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, bool waitUntilReady = true, bool expectCritical = false)
    {
        var port = LoopbackPort.Free();
        var withPort = new Dictionary<string, string?>(environment) { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var host = new HostProcess(ChildProcess.Start(await PublishedHost.PathAsync(), withPort, expectCritical), port);
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
                throw new InvalidOperationException($"the host exited with {_process.ExitCode} before it was ready; {_process.Output}");
            try
            {
                using var response = await Client.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the host did not become ready; {_process.Output}");
    }

    /// <summary>Waits until a stdout line satisfies <paramref name="match"/>; a guard against hangs, not a timing check.</summary>
    public Task<JsonElement> WaitForLineAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null) => _process.WaitForLineAsync(match, timeout);

    /// <summary>Sends SIGTERM, as Code Engine does when it scales the app down.</summary>
    public void Terminate() => _process.Terminate();

    public Task<int> WaitForExitAsync(TimeSpan? timeout = null) => _process.WaitForExitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
