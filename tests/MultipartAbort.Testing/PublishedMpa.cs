namespace MultipartAbort.Testing;

/// <summary>The real Native AOT <c>mpa</c>, as operators get it from <c>make mpa</c> (artifacts/mpa); MPA_BINARY skips the publish.</summary>
public static class PublishedMpa
{
    public const string OverrideVariable = "MPA_BINARY";
    private static readonly PublishedBinary Binary = new(OverrideVariable, Path.Combine("src", "MultipartAbort.Cli", "MultipartAbort.Cli.csproj"), Path.Combine("artifacts", "mpa"), "mpa");

    public static Task<string> PathAsync() => Binary.PathAsync();

    public static string RuntimeIdentifier => PublishedBinary.RuntimeIdentifier;

    /// <summary>The folder that holds Functions.sln.</summary>
    public static string RepositoryRoot => PublishedBinary.RepositoryRoot;
}
