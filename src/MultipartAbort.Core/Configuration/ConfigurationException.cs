namespace MultipartAbort.Core.Configuration;

/// <summary>The message names every wrong variable, never a secret's value.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
