using System.Diagnostics;

namespace MultipartAbort.Http.Tests.Deploy;

/// <summary>
/// Runs infra/ibm/deploy.sh with a recording fake <c>ibmcloud</c> first on PATH: every call is recorded (one line per call,
/// arguments separated by tabs), and <c>get</c> look-ups succeed only for the resources the test says exist.
/// </summary>
public sealed class FakeIbmCloud : IDisposable
{
    private const string Script = """
        #!/usr/bin/env bash
        args=("$@")
        { printf '%s' "$1"; shift; for a in "$@"; do printf '\t%s' "$a"; done; printf '\n'; } >> "$FAKE_IBMCLOUD_LOG"
        # `ibmcloud ce <kind...> get --name <name>`: exists when "<kind...>:<name>" is listed in FAKE_IBMCLOUD_EXISTING;
        # a look-up of an existing resource prints FAKE_IBMCLOUD_GET_OUTPUT (what `--output json` shows).
        for i in "${!args[@]}"; do
          if [ "${args[$i]}" = get ] && [ "${args[$((i + 1))]}" = --name ]; then
            kind="${args[*]:1:$((i - 1))}"
            case ",${FAKE_IBMCLOUD_EXISTING:-}," in *",$kind:${args[$((i + 2))]},"*) printf '%s' "${FAKE_IBMCLOUD_GET_OUTPUT:-}"; exit 0 ;; esac
            exit 1
          fi
        done
        exit 0
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("fake-ibmcloud-").FullName;

    public FakeIbmCloud()
    {
        var path = Path.Combine(_dir, "ibmcloud");
        File.WriteAllText(path, Script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string LogPath => Path.Combine(_dir, "calls.log");

    /// <summary>The calls made, each as its arguments (after <c>ibmcloud</c>).</summary>
    public IReadOnlyList<string[]> Calls => File.Exists(LogPath) ? File.ReadAllLines(LogPath).Select(l => l.Split('\t')).ToArray() : [];

    public sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public IReadOnlyList<string> Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs the deploy script with only <paramref name="environment"/> (plus PATH with the fake first).</summary>
    public async Task<Run> RunAsync(IReadOnlyDictionary<string, string> environment, string[] existing, params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Infrastructure.RepositoryRoot.Path, "infra", "ibm", "deploy.sh"));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment.Clear();
        start.Environment["PATH"] = $"{_dir}:/usr/local/bin:/usr/bin:/bin";
        start.Environment["FAKE_IBMCLOUD_LOG"] = LogPath;
        start.Environment["FAKE_IBMCLOUD_EXISTING"] = string.Join(',', existing);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(guard.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
