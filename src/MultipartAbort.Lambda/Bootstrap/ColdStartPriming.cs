using System.Security.Cryptography;

namespace MultipartAbort.Lambda.Bootstrap;

/// <summary>
/// Work every cold start does anyway, begun on another core while the function is built and the first event is
/// fetched: loading OpenSSL, which SigV4 signing (HMAC-SHA256 over a SHA-256 payload hash) needs first thing.
/// </summary>
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
