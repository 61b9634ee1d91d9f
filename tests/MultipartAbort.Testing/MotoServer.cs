using System.Diagnostics;
using Amazon.S3;
using Amazon.SQS;
using MultipartAbort.Core.Configuration;

namespace MultipartAbort.Testing;

/// <summary>
/// A real moto server (S3 and SQS) on a free loopback port, started once per test collection. When
/// MOTO_ENDPOINT is set (.ci/run starts one), that server is used instead of starting another, unless the collection
/// asks for a <see cref="PrivateMotoServer"/>.
/// </summary>
public class MotoServer : IAsyncDisposable, IDisposable
{
    private readonly Process? _process;

    public MotoServer()
        : this(shared: true) { }

    /// <param name="shared">Use MOTO_ENDPOINT's server when it is set; false always starts a server of its own.</param>
    protected MotoServer(bool shared)
    {
        // moto does not check signatures, but the SDK wants some credentials to sign with.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "testing");
        Environment.SetEnvironmentVariable("AWS_REGION", Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1");

        if (shared && Environment.GetEnvironmentVariable("MOTO_ENDPOINT") is { Length: > 0 } existing)
        {
            Endpoint = new Uri(existing);
        }
        else
        {
            var port = LoopbackPort.Free();
            Endpoint = new Uri($"http://127.0.0.1:{port}");
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("MOTO_SERVER") ?? "moto_server", $"-H 127.0.0.1 -p {port}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }
        WaitUntilReady();
    }

    public Uri Endpoint { get; }

    /// <summary>The environment a function needs to talk to this server (store and SQS).</summary>
    public Dictionary<string, string?> FunctionEnvironment(params (string Name, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?>
        {
            [EnvironmentVariables.CosEndpoint] = Endpoint.ToString(),
            [EnvironmentVariables.CosAccessKeyId] = "testing",
            [EnvironmentVariables.CosSecretAccessKey] = "testing",
            [EnvironmentVariables.SqsEndpoint] = Endpoint.ToString(),
            // Tests seed their uploads a moment before the function acts, so every one is active under the default
            // MIN_IDLE; the tests of MIN_IDLE set it themselves.
            [EnvironmentVariables.MinIdle] = "PT0S",
        };
        foreach (var (name, value) in extra)
            env[name] = value;
        return env;
    }

    /// <summary>This server as one of the stores the conformance suite runs on, with what it does unlike S3.</summary>
    public S3Store AsStore() => new("moto", Endpoint, "testing", "testing", ChecksSignatures: false, RealInitiatedTimes: false, KeepsUploadAbortedUnderAnotherKey: false);

    public AmazonS3Client CreateS3Client() => AsStore().CreateS3Client();

    public AmazonSQSClient CreateSqsClient() =>
        new("testing", "testing", new AmazonSQSConfig { ServiceURL = Endpoint.ToString(), AuthenticationRegion = "us-east-1" });

    /// <summary>A bucket name no other test uses.</summary>
    public static string UniqueBucket(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];

    private void WaitUntilReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(120); // Python starts slowly on a loaded box; a guard, not a check
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode}; is it installed (pip install 'moto[server]')?");
            try
            {
                using var response = http.GetAsync(new Uri(Endpoint, "/moto-api/")).GetAwaiter().GetResult();
                if ((int)response.StatusCode < 500)
                    return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"moto_server did not answer on {Endpoint} within 120 s");
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
