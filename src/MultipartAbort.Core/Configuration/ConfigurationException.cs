namespace MultipartAbort.Core.Configuration;

/// <summary>The environment is invalid; the message names every variable that is wrong (never a secret's value).</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
