namespace MultipartAbort.Core.Configuration;

/// <summary>The process's environment variables.</summary>
public sealed class ProcessEnvironment : IEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    public string? Get(string name) => Environment.GetEnvironmentVariable(name);
}
