using System.Collections;

namespace MultipartAbort.Core.Configuration;

/// <summary>Where settings come from: the process environment in production, a dictionary in tests.</summary>
public interface IEnvironment
{
    string? Get(string name);
}

public sealed class ProcessEnvironment : IEnvironment
{
    public static ProcessEnvironment Instance { get; } = new();

    public string? Get(string name) => Environment.GetEnvironmentVariable(name);
}

public sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string?> values) : IEnvironment, IEnumerable<KeyValuePair<string, string?>>
{
    public DictionaryEnvironment()
        : this(new Dictionary<string, string?>()) { }

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Layers overrides (command-line flags) on top of another environment.</summary>
public sealed class OverlayEnvironment(IEnvironment inner, IReadOnlyDictionary<string, string?> overrides) : IEnvironment
{
    public string? Get(string name) => overrides.TryGetValue(name, out var v) && v is not null ? v : inner.Get(name);
}
