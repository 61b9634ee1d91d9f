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

/// <summary>Set by Lambda for a custom runtime (the function's own variables are in Core).</summary>
public static class LambdaEnvironment
{
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";
    public const string FunctionMemorySize = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";
    public const string FunctionVersion = "AWS_LAMBDA_FUNCTION_VERSION";

    /// <summary>A custom runtime sets it from Lambda-Runtime-Trace-Id.</summary>
    public const string TraceId = "_X_AMZN_TRACE_ID";
}
