namespace MultipartAbort.Lambda.Context;

/// <summary>Read once: it cannot change within a sandbox.</summary>
public sealed record FunctionIdentity(string? Name, int? MemorySizeMb, string? Version)
{
    public static FunctionIdentity Read(IEnvironment env) =>
        new(
            env.Get(LambdaEnvironment.FunctionName),
            int.TryParse(env.Get(LambdaEnvironment.FunctionMemorySize), NumberStyles.None, CultureInfo.InvariantCulture, out var mb) ? mb : null,
            env.Get(LambdaEnvironment.FunctionVersion)
        );
}
