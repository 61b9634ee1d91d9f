using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MultipartAbort.Testing;

/// <summary>
/// A Native AOT binary of this repository, published once per test run into the folder its Makefile target uses (so
/// after `make` the publish is a quick no-op); an environment variable naming a binary published beforehand skips the
/// publish. A failed publish fails the tests that need it, loudly: there is no fallback to the JIT build, which would
/// test something else. Test projects may run at once: a lock file keeps their publishes from writing one folder
/// together.
/// </summary>
public sealed class PublishedBinary
{
    private readonly string _overrideVariable;
    private readonly string _project;
    private readonly string _output;
    private readonly string _binaryName;
    private readonly Lazy<Task<string>> _published;

    /// <param name="overrideVariable">Names a binary published beforehand.</param>
    /// <param name="project">The project to publish, relative to the repository root.</param>
    /// <param name="output">The publish folder, relative to the repository root.</param>
    /// <param name="binaryName">The file the publish writes there.</param>
    public PublishedBinary(string overrideVariable, string project, string output, string binaryName)
    {
        _overrideVariable = overrideVariable;
        _project = Path.Combine(RepositoryRoot, project);
        _output = Path.Combine(RepositoryRoot, output);
        _binaryName = binaryName;
        _published = new(PublishAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static string RuntimeIdentifier => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>The folder that holds Functions.sln, found from the test assembly's location.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The binary's path, published on the first call.</summary>
    public Task<string> PathAsync() => _published.Value;

    private async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable(_overrideVariable) is { Length: > 0 } given)
            return File.Exists(given) ? given : throw new FileNotFoundException($"{_overrideVariable} names {given}, which does not exist");

        Directory.CreateDirectory(_output);
        using var publishLock = await LockAsync(Path.Combine(_output, ".publish.lock"));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", _project, "-c", "Release", "-r", RuntimeIdentifier, "-o", _output, "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The test host's MSBuild variables must not leak into the nested build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "VSTEST_HOST_DEBUG").ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish of {_binaryName} (Native AOT) failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        var binary = Path.Combine(_output, _binaryName);
        return File.Exists(binary) ? binary : throw new FileNotFoundException($"dotnet publish succeeded but {binary} is missing");
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Functions.sln not found above {AppContext.BaseDirectory}");
    }
}
