using MultipartAbort.Lambda.Client;

namespace MultipartAbort.Lambda.Context;

public sealed record LambdaContext(InvocationRequest Request, FunctionIdentity Function, bool ColdStart)
{
    public string RequestId => Request.RequestId;

    /// <summary>The X-Ray Root, as Powertools logs it.</summary>
    public string? XRayTraceId => RootOf(Request.TraceHeader);

    public LogContext ToLogContext() =>
        new()
        {
            ColdStart = ColdStart,
            FunctionName = Function.Name,
            FunctionMemorySize = Function.MemorySizeMb,
            FunctionArn = Request.InvokedFunctionArn,
            FunctionRequestId = Request.RequestId,
            XRayTraceId = XRayTraceId,
        };

    internal static string? RootOf(string? traceHeader) =>
        traceHeader?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => p.StartsWith("Root=", StringComparison.Ordinal))?["Root=".Length..];
}
