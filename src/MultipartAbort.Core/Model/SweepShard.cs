namespace MultipartAbort.Core.Model;

/// <summary>Shard <c>i/N</c>: a worker lists the whole range but acts only on its hash's share, so N workers need no coordinator.</summary>
public readonly record struct SweepShard(int Index, int Count)
{
    public const int MaxCount = 1024;

    // FNV-1a 64 with MurmurHash3's finaliser. Shards and continuations rely on it being stable: never change it.
    public static ulong Hash(string key, string uploadId)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var (text, last) in new[] { (key, false), (uploadId, true) })
        {
            var bytes = Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
            foreach (var b in bytes)
                hash = (hash ^ b) * prime;
            if (!last)
                hash *= prime; // the 0 separator: (hash ^ 0) * prime
        }
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }

    public bool Contains(string key, string uploadId) => (int)(Hash(key, uploadId) % (ulong)Count) == Index;

    public static SweepShard? Parse(string text, out string? error)
    {
        var slash = text.IndexOf('/');
        if (
            slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= MaxCount
            && index < count
        )
        {
            error = null;
            return new SweepShard(index, count);
        }
        error = $"must be i/N with 0 <= i < N <= {MaxCount} (for example 0/4); got '{(text.Length > 32 ? text[..29] + "..." : text)}'";
        return null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
