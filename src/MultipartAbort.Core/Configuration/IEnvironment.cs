namespace MultipartAbort.Core.Configuration;

public interface IEnvironment
{
    string? Get(string name);
}

public sealed class ProcessEnvironment : IEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    public string? Get(string name) => Environment.GetEnvironmentVariable(name);
}
