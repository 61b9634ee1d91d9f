using MultipartAbort.Lambda.Client;

namespace MultipartAbort.Lambda.Context;

public sealed class LambdaContext(InvocationRequest request, FunctionIdentity function, bool coldStart)
{
    public InvocationRequest Request => request;
    public FunctionIdentity Function => function;
    public string RequestId => request.RequestId;
    public bool ColdStart => coldStart;

    /// <summary>The X-Ray Root, as Powertools logs it.</summary>
    public string? XRayTraceId => RootOf(request.TraceHeader);

    public LogContext ToLogContext() =>
        new()
        {
            ColdStart = coldStart,
            FunctionName = function.Name,
            FunctionMemorySize = function.MemorySizeMb,
            FunctionArn = request.InvokedFunctionArn,
            FunctionRequestId = request.RequestId,
            XRayTraceId = XRayTraceId,
        };

    internal static string? RootOf(string? traceHeader)
    {
        if (string.IsNullOrEmpty(traceHeader))
            return null;
        foreach (var part in traceHeader.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (part.StartsWith("Root=", StringComparison.Ordinal))
                return part["Root=".Length..];
        return null;
    }
}
