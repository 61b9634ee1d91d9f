using System.Security.Cryptography;

namespace MultipartAbort.Lambda.Bootstrap;

// Loads OpenSSL (SigV4 signing needs it first) on another core during the cold start.
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
