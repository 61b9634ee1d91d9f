using System.Globalization;
using System.Text;

namespace MultipartAbort.Core.Model;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (written <c>i/N</c>, 0-based): a sweep worker lists the whole
/// range but acts only on the uploads whose stable hash of (key, uploadId) falls in its shard, so N workers share a
/// bucket with no coordinator and every upload belongs to exactly one of them.
/// </summary>
public readonly record struct SweepShard(int Index, int Count)
{
    /// <summary>The most shards one sweep may be split into.</summary>
    public const int MaxCount = 1024;

    /// <summary>
    /// FNV-1a (64-bit) over the key's UTF-8 bytes, a 0 byte, then the upload id's, finished with MurmurHash3's 64-bit
    /// mix (FNV alone leaves the low bits, which a small shard count uses, poorly spread over keys that differ in one
    /// digit). The same on every machine and every version of this program, which the continuation of a shard and the
    /// other shards rely on: never change it.
    /// </summary>
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

    /// <summary>Whether this shard acts on the upload.</summary>
    public bool Contains(string key, string uploadId) => (int)(Hash(key, uploadId) % (ulong)Count) == Index;

    /// <summary>Reads <c>i/N</c> with 0 ≤ i &lt; N ≤ <see cref="MaxCount"/>; null and an error message when it is not that.</summary>
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
