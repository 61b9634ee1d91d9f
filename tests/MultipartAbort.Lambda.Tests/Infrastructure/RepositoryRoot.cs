using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>The folder that holds Functions.sln, found from the test assembly's location.</summary>
public static class RepositoryRoot
{
    public static string Path => PublishedBinary.RepositoryRoot;
}
