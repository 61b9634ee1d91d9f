using System.Runtime.CompilerServices;

namespace MultipartAbort.Core.Sweep;

/// <summary>S3's key order: by UTF-8 bytes, which is code-point order (UTF-16 ordinal order differs above U+D7FF).</summary>
internal static class KeyOrder
{
    public static readonly IComparer<string> Comparer = Comparer<string>.Create(Compare);

    public static int Compare(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x == y)
                continue;
            // Surrogates (D800-DFFF, code points above FFFF) sort after E000-FFFF in code-point order.
            return Fix(x) - Fix(y);
        }
        return a.Length - b.Length;
    }

    private static int Fix(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
