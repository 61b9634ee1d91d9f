namespace MultipartAbort.Core.Model;

/// <summary>Which bucket names and keys can exist, so one that cannot is <c>rejected</c> before any store call.</summary>
// Buckets widened for legacy us-east-1 names; keys: 1-1,024 UTF-8 bytes, no lone surrogate, no U+0000.
internal static class StoreNames
{
    public const int MaxKeyBytes = 1024;
    public const int MaxBucketLength = 63;

    public static string? CheckBucket(string bucket)
    {
        if (bucket.Length is < 3 or > MaxBucketLength)
            return $"must be 3 to {MaxBucketLength} characters; got {bucket.Length} ('{Shorten(bucket)}')";
        foreach (var c in bucket)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                return $"may hold only letters, digits, '.', '-' and '_'; got {Describe(c)} in '{Shorten(bucket)}'";
        if (!char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]))
            return $"must start and end with a letter or digit; got '{Shorten(bucket)}'";
        if (bucket.Contains("..", StringComparison.Ordinal))
            return $"must not contain '..'; got '{Shorten(bucket)}'";
        if (System.Net.IPAddress.TryParse(bucket, out _) && bucket.Count(c => c == '.') == 3)
            return $"must not be an IP address; got '{bucket}'";
        return null;
    }

    public static string? CheckKey(string key)
    {
        if (key.Length == 0)
            return "is empty";
        // Every UTF-16 unit is at least one UTF-8 byte: a longer string is refused without reading it all.
        if (key.Length > MaxKeyBytes)
            return $"is at least {key.Length} bytes of UTF-8; at most {MaxKeyBytes} are allowed";
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c == '\0')
                return $"contains U+0000 at position {i}, which no store accepts";
            if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                return $"contains a lone UTF-16 surrogate at position {i}, which is not valid Unicode";
        }
        var bytes = Encoding.UTF8.GetByteCount(key);
        if (bytes > MaxKeyBytes)
            return $"is {bytes} bytes of UTF-8; at most {MaxKeyBytes} are allowed";
        return null;
    }

    private static string Describe(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private static string Shorten(string s)
    {
        var clean = new string(s.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return s.Length <= 64 ? clean : clean[..61] + "...";
    }
}
