namespace MultipartAbort.Adapters;

// Parameter Store secrets never enter the process environment.
internal sealed class ResolvedEnvironment(IEnvironment inner, IReadOnlyDictionary<string, string?> secrets) : IEnvironment
{
    public string? Get(string name) => secrets.TryGetValue(name, out var value) ? value : inner.Get(name);
}
