namespace MultipartAbort.Lambda.Context;

/// <summary>The variables the Lambda service sets for a custom runtime, in one place (the function's own are in Core).</summary>
public static class LambdaEnvironment
{
    /// <summary>host:port of the Runtime API.</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";
    public const string FunctionMemorySize = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";
    public const string FunctionVersion = "AWS_LAMBDA_FUNCTION_VERSION";

    /// <summary>The X-Ray trace header of the current invocation; a custom runtime sets it from Lambda-Runtime-Trace-Id.</summary>
    public const string TraceId = "_X_AMZN_TRACE_ID";
}
