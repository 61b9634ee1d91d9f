using System.Security.Cryptography;

namespace MultipartAbort.Lambda.Bootstrap;

/// <summary>Loads OpenSSL (which SigV4 signing needs first) on another core while the cold start does the rest.</summary>
internal static class ColdStartPriming
{
    public static Task Start() =>
        Task.Run(static () =>
        {
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData("prime"u8, digest);
            HMACSHA256.HashData(digest, "prime"u8, digest);
        });
}
