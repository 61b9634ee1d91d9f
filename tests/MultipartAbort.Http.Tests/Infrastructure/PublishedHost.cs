using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.Infrastructure;

/// <summary>The real Native AOT HTTP host, as `make http` publishes it (artifacts/http/RID); MPA_HTTP_HOST skips the publish.</summary>
public static class PublishedHost
{
    public const string OverrideVariable = "MPA_HTTP_HOST";
    public const string BinaryName = "multipart-abort-http";
    private static readonly PublishedBinary Binary = new(
        OverrideVariable,
        System.IO.Path.Combine("src", "MultipartAbort.Http", "MultipartAbort.Http.csproj"),
        System.IO.Path.Combine("artifacts", "http", PublishedBinary.RuntimeIdentifier),
        BinaryName
    );

    public static Task<string> PathAsync() => Binary.PathAsync();

    public static string RuntimeIdentifier => PublishedBinary.RuntimeIdentifier;
}
