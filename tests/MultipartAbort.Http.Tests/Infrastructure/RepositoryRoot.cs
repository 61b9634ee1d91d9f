namespace MultipartAbort.Http.Tests.Infrastructure;

/// <summary>The folder that holds Functions.sln, found from the test assembly's location.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Functions.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Functions.sln not found above {AppContext.BaseDirectory}");
    }
}
