using System.Diagnostics;

namespace MultipartAbort.Testing;

/// <summary>
/// A real Ceph RGW on loopback (infra/local/rgw.sh: one monitor, one memstore OSD, radosgw), started once per test
/// collection. When RGW_ENDPOINT is set (.ci/run starts one), that gateway is used (with RGW_ACCESS_KEY and
/// RGW_SECRET_KEY, or the script's test keys). Where Ceph is not installed the RGW tests are skipped with the install
/// command (<see cref="SkipReason"/>); with REQUIRE_RGW=1 (CI) they run and fail instead.
/// </summary>
public sealed class RgwServer : IDisposable
{
    private const string DefaultAccessKey = "mpa-test-access-key";
    private const string DefaultSecretKey = "mpa-test-secret-key-0123456789abcdef";
    private const string DefaultSecondAccessKey = "mpa-test-2-access-key";
    private const string DefaultSecondSecretKey = "mpa-test-2-secret-key-0123456789abcdef";
    private static readonly string Script = Path.Combine(PublishedBinary.RepositoryRoot, "infra", "local", "rgw.sh");
    private readonly string? _dir;

    /// <param name="lifecycleDayInSeconds">
    /// Start an own gateway (never the shared RGW_ENDPOINT) whose lifecycle "day" lasts this many seconds and whose
    /// lifecycle engine runs that often (<c>rgw lc debug interval</c>); null: RGW's defaults.
    /// </param>
    public RgwServer(int? lifecycleDayInSeconds = null)
    {
        if (lifecycleDayInSeconds is null && Environment.GetEnvironmentVariable("RGW_ENDPOINT") is { Length: > 0 } given)
        {
            Store = Rgw(new Uri(given), Environment.GetEnvironmentVariable("RGW_ACCESS_KEY") ?? DefaultAccessKey, Environment.GetEnvironmentVariable("RGW_SECRET_KEY") ?? DefaultSecretKey) with
            {
                SecondUser = new(Environment.GetEnvironmentVariable("RGW_SECOND_ACCESS_KEY") ?? DefaultSecondAccessKey, Environment.GetEnvironmentVariable("RGW_SECOND_SECRET_KEY") ?? DefaultSecondSecretKey),
            };
            return;
        }
        _dir = Path.Combine(Path.GetTempPath(), $"mpa-rgw-{Guid.NewGuid():N}");
        var (code, output) = RunScript("start", _dir, lifecycleDayInSeconds);
        if (code != 0)
            throw new InvalidOperationException($"infra/local/rgw.sh start failed with exit code {code}:\n{output}\n{SkipReason ?? ""}");
        var env = File.ReadAllLines(Path.Combine(_dir, "env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Store = Rgw(new Uri(env["RGW_ENDPOINT"]), env["RGW_ACCESS_KEY"], env["RGW_SECRET_KEY"]) with { SecondUser = new(env["RGW_SECOND_ACCESS_KEY"], env["RGW_SECOND_SECRET_KEY"]) };
    }

    public S3Store Store { get; }

    /// <summary>Why the RGW tests cannot run here, or null when they can (or must: REQUIRE_RGW=1).</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    private static string? FindSkipReason()
    {
        if (Environment.GetEnvironmentVariable("RGW_ENDPOINT") is { Length: > 0 } || Environment.GetEnvironmentVariable("REQUIRE_RGW") == "1")
            return null;
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        return path.Any(d => File.Exists(Path.Combine(d, "radosgw")))
            ? null
            : "Ceph RGW is not installed, so the tests on it are skipped: install it with `bash infra/local/rgw.sh install` (Debian: apt-get install radosgw ceph-mon ceph-osd ceph-common)";
    }

    private static S3Store Rgw(Uri endpoint, string accessKey, string secretKey) =>
        new("rgw", endpoint, accessKey, secretKey, ChecksSignatures: true, RealInitiatedTimes: true, KeepsUploadAbortedUnderAnotherKey: true);

    private static (int Code, string Output) RunScript(string verb, string dir, int? lifecycleDayInSeconds = null)
    {
        var start = new ProcessStartInfo("bash", [Script, verb, dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (lifecycleDayInSeconds is { } seconds)
            start.Environment["RGW_LC_DEBUG_INTERVAL"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) // a guard: the script starts in ~5 s
        {
            process.Kill(entireProcessTree: true);
            return (-1, "infra/local/rgw.sh did not finish within 3 minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose()
    {
        if (_dir is not null)
            RunScript("stop", _dir);
    }
}
