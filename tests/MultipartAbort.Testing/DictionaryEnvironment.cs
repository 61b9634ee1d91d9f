using System.Collections;
using MultipartAbort.Core.Configuration;

namespace MultipartAbort.Testing;

/// <summary>An environment from a dictionary, so tests hand in their own variables.</summary>
public sealed class DictionaryEnvironment(IReadOnlyDictionary<string, string?> values) : IEnvironment, IEnumerable<KeyValuePair<string, string?>>
{
    public DictionaryEnvironment()
        : this(new Dictionary<string, string?>()) { }

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
