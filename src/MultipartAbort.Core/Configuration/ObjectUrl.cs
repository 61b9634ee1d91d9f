namespace MultipartAbort.Core.Configuration;

/// <summary><c>cos://bucket/key</c> or <c>s3://bucket/key</c>: where the report event writes its page (REPORT_HTML_URL).</summary>
internal sealed record ObjectUrl(string Bucket, string Key)
{
    public static bool TryParse(string text, out ObjectUrl url, out string error)
    {
        url = null!;
        var scheme = new[] { CosLocation.Scheme, "s3://" }.FirstOrDefault(s => text.StartsWith(s, StringComparison.OrdinalIgnoreCase));
        var rest = scheme is null ? "" : text[scheme.Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        error =
            scheme is null ? "must start with cos:// or s3://"
            : Events.RequestParser.ValidateBucket(bucket) is { } bad ? $"names no valid bucket ({bad})"
            : key.Length == 0 || key.EndsWith('/') ? "names no object (a key after the bucket, not ending in '/')"
            : "";
        if (error.Length > 0)
        {
            error += "; expected cos://bucket/key.html or s3://bucket/key.html";
            return false;
        }
        url = new ObjectUrl(bucket, key);
        return true;
    }

    public override string ToString() => $"{CosLocation.Scheme}{Bucket}/{Key}";
}
