namespace MultipartAbort.Core.Configuration;

/// <summary><c>cos://bucket/prefix/</c>: where the retry (or dead-letter) ledger keeps its entries.</summary>
public sealed record CosLocation(string Bucket, string Prefix)
{
    public const string Scheme = "cos://";

    public static bool IsCosUrl(string? text) => text is not null && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    // A missing trailing '/' is added so entries stay under the prefix.
    public static bool TryParse(string? text, out CosLocation location, out string error)
    {
        location = null!;
        error = "";
        if (!IsCosUrl(text))
        {
            error = "must start with cos://";
            return false;
        }
        var rest = text![Scheme.Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (Events.RequestParser.ValidateBucket(bucket) is { } bad)
        {
            error = $"names no valid bucket ({bad}); expected cos://bucket/prefix/";
            return false;
        }
        if (prefix.Length > 0 && !prefix.EndsWith('/'))
            prefix += "/";
        location = new CosLocation(bucket, prefix);
        return true;
    }

    // A sibling (cos://b/retry-dead-letters/), so a drain never lists it.
    public CosLocation DeadLetters => new(Bucket, Prefix.Length == 0 ? "dead-letters/" : $"{Prefix.TrimEnd('/')}-dead-letters/");

    public override string ToString() => $"{Scheme}{Bucket}/{Prefix}";
}
