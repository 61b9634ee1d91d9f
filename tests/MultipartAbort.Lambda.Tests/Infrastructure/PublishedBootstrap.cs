using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>
/// The real Native AOT <c>bootstrap</c>, in the folder the Makefile's build-MultipartAbortFunction target publishes to
/// (artifacts/lambda/RID); MPA_BOOTSTRAP (e.g. set by infra/aws/ci-checks.sh) skips the publish.
/// </summary>
public static class PublishedBootstrap
{
    public const string OverrideVariable = "MPA_BOOTSTRAP";
    private static readonly PublishedBinary Binary = new(
        OverrideVariable,
        System.IO.Path.Combine("src", "MultipartAbort.Lambda", "MultipartAbort.Lambda.csproj"),
        System.IO.Path.Combine("artifacts", "lambda", PublishedBinary.RuntimeIdentifier),
        "bootstrap"
    );

    public static Task<string> PathAsync() => Binary.PathAsync();

    public static string RuntimeIdentifier => PublishedBinary.RuntimeIdentifier;
}
