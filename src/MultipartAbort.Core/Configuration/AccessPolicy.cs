using System.Text.RegularExpressions;

namespace MultipartAbort.Core.Configuration;

/// <summary>ALLOWED_BUCKETS (names or * globs) and ALLOWED_PREFIXES: what this deployment may touch.</summary>
public sealed class AccessPolicy
{
    private readonly Regex[]? _buckets;
    private readonly string[]? _prefixes;

    public AccessPolicy(IEnumerable<string>? bucketPatterns, IEnumerable<string>? prefixes)
    {
        BucketPatterns = bucketPatterns?.ToArray() ?? [];
        Prefixes = prefixes?.ToArray() ?? [];
        _buckets = BucketPatterns.Count == 0 ? null : BucketPatterns.Select(GlobToRegex).ToArray();
        _prefixes = Prefixes.Count == 0 ? null : Prefixes.ToArray();
    }

    public static AccessPolicy AllowAll { get; } = new(null, null);

    public IReadOnlyList<string> BucketPatterns { get; }
    public IReadOnlyList<string> Prefixes { get; }

    public bool IsBucketAllowed(string bucket) => _buckets is null || _buckets.Any(r => r.IsMatch(bucket));

    public bool IsKeyAllowed(string key) => _prefixes is null || _prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    public string? Check(string bucket, string key)
    {
        if (!IsBucketAllowed(bucket))
            return $"bucket '{bucket}' is not in ALLOWED_BUCKETS";
        if (!IsKeyAllowed(key))
            return $"key '{key}' does not start with any of ALLOWED_PREFIXES";
        return null;
    }

    public string? CheckSweep(string bucket, string? prefix)
    {
        if (!IsBucketAllowed(bucket))
            return $"bucket '{bucket}' is not in ALLOWED_BUCKETS";
        // A sweep's own prefix must extend an allowed one.
        if (_prefixes is not null && !_prefixes.Any(p => (prefix ?? "").StartsWith(p, StringComparison.Ordinal)))
            return $"sweep prefix '{prefix}' is not inside any of ALLOWED_PREFIXES";
        return null;
    }

    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
