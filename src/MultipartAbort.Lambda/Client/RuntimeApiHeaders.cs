namespace MultipartAbort.Lambda.Client;

/// <summary>Lambda Runtime API version 2018-06-01.</summary>
public static class RuntimeApiHeaders
{
    public const string ApiVersion = "2018-06-01";

    public const string RequestId = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineMs = "Lambda-Runtime-Deadline-Ms";
    public const string InvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceId = "Lambda-Runtime-Trace-Id";

    /// <summary>A category.reason string such as Runtime.ConfigInvalid.</summary>
    public const string FunctionErrorType = "Lambda-Runtime-Function-Error-Type";

    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";
}
