namespace MultipartAbort.Cli;

internal sealed class OverlayEnvironment(IEnvironment inner, IReadOnlyDictionary<string, string?> overrides) : IEnvironment
{
    public string? Get(string name) => overrides.TryGetValue(name, out var v) && v is not null ? v : inner.Get(name);
}
