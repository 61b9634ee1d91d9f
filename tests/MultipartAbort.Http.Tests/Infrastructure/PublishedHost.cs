using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MultipartAbort.Http.Tests.Infrastructure;

/// <summary>
/// The real Native AOT HTTP host, published once per test run (MPA_HTTP_HOST names a binary published beforehand, e.g. by
/// `make http`, and skips the publish). The output folder is the Makefile's, so after `make http` this publish is quick.
/// </summary>
public static class PublishedHost
{
    public const string OverrideVariable = "MPA_HTTP_HOST";
    public const string BinaryName = "multipart-abort-http";
    private static readonly Lazy<Task<string>> Published = new(PublishAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<string> PathAsync() => Published.Value;

    public static string RuntimeIdentifier => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";

    private static async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } given)
            return File.Exists(given) ? given : throw new FileNotFoundException($"{OverrideVariable} names {given}, which does not exist");

        var output = System.IO.Path.Combine(RepositoryRoot.Path, "artifacts", "http", RuntimeIdentifier);
        var project = System.IO.Path.Combine(RepositoryRoot.Path, "src", "MultipartAbort.Http", "MultipartAbort.Http.csproj");
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
            throw new InvalidOperationException($"dotnet publish of the HTTP host failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        var binary = System.IO.Path.Combine(output, BinaryName);
        return File.Exists(binary) ? binary : throw new FileNotFoundException($"dotnet publish succeeded but {binary} is missing");
    }
}
