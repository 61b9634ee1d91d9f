using System.Text.RegularExpressions;

namespace MultipartAbort.Core.Configuration;

/// <summary>ALLOWED_BUCKETS (names or * globs) and ALLOWED_PREFIXES: what this deployment may touch.</summary>
public sealed class AccessPolicy(IEnumerable<string>? bucketPatterns, IEnumerable<string>? prefixes)
{
    private readonly Regex[] _buckets = bucketPatterns?.Select(GlobToRegex).ToArray() ?? [];

    public static AccessPolicy AllowAll { get; } = new(null, null);

    public IReadOnlyList<string> Prefixes { get; } = prefixes?.ToArray() ?? [];

    public bool IsBucketAllowed(string bucket) => _buckets.Length == 0 || _buckets.Any(r => r.IsMatch(bucket));

    public bool IsKeyAllowed(string key) => Prefixes.Count == 0 || Prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    public string? Check(string bucket, string key) =>
        !IsBucketAllowed(bucket) ? $"bucket '{bucket}' is not in ALLOWED_BUCKETS"
        : !IsKeyAllowed(key) ? $"key '{key}' does not start with any of ALLOWED_PREFIXES"
        : null;

    // A sweep's own prefix must extend an allowed one.
    public string? CheckSweep(string bucket, string? prefix) =>
        !IsBucketAllowed(bucket) ? $"bucket '{bucket}' is not in ALLOWED_BUCKETS"
        : !IsKeyAllowed(prefix ?? "") ? $"sweep prefix '{prefix}' is not inside any of ALLOWED_PREFIXES"
        : null;

    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
