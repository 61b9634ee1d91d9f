using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MultipartAbort.Testing;

/// <summary>
/// The real Native AOT <c>mpa</c>, as operators get it from <c>make mpa</c>: published once per test run into
/// artifacts/mpa (MPA_BINARY names a binary published beforehand and skips the publish). A failed publish fails
/// the tests that need it, loudly: there is no fallback to the JIT build, which would test something else.
/// Test projects may run at once: a lock file keeps their publishes from writing the same folder together.
/// </summary>
public static class PublishedMpa
{
    public const string OverrideVariable = "MPA_BINARY";
    private static readonly Lazy<Task<string>> Published = new(PublishAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<string> PathAsync() => Published.Value;

    public static string RuntimeIdentifier => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>The folder that holds Functions.sln, found from the test assembly's location.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } given)
            return File.Exists(given) ? given : throw new FileNotFoundException($"{OverrideVariable} names {given}, which does not exist");

        // The folder `make mpa` publishes to: after `make mpa`, this publish is a quick no-op.
        var output = Path.Combine(RepositoryRoot, "artifacts", "mpa");
        Directory.CreateDirectory(output);
        using var publishLock = await LockAsync(Path.Combine(output, ".publish.lock"));
        var project = Path.Combine(RepositoryRoot, "src", "MultipartAbort.Cli", "MultipartAbort.Cli.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", project, "-c", "Release", "-r", RuntimeIdentifier, "-o", output, "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false" },
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
            throw new InvalidOperationException($"dotnet publish of mpa (Native AOT) failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        var binary = Path.Combine(output, "mpa");
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
