namespace MultipartAbort.Core.Configuration;

/// <summary>A place in the store named <c>cos://bucket/prefix/</c>: where the retry (or dead-letter) ledger keeps its entries.</summary>
public sealed record CosLocation(string Bucket, string Prefix)
{
    public const string Scheme = "cos://";

    public static bool IsCosUrl(string? text) => text is not null && text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>cos://bucket/prefix/</c> (the prefix may be empty; a missing trailing '/' is added so entries stay under it).</summary>
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

    /// <summary>
    /// The dead-letter ledger beside this one: a sibling (<c>cos://b/retry-dead-letters/</c>), so a drain never lists it.
    /// </summary>
    public CosLocation DeadLetters => new(Bucket, Prefix.Length == 0 ? "dead-letters/" : $"{Prefix.TrimEnd('/')}-dead-letters/");

    public override string ToString() => $"{Scheme}{Bucket}/{Prefix}";
}
