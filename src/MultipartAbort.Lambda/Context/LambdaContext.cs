using MultipartAbort.Core;
using MultipartAbort.Core.Observability;
using MultipartAbort.Lambda.Client;

namespace MultipartAbort.Lambda.Context;

/// <summary>One invocation as the function sees it: who it is, which request this is, and how much time is left.</summary>
public sealed class LambdaContext(InvocationRequest request, FunctionIdentity function, bool coldStart, TimeProvider time)
{
    /// <summary>
    /// The last cut: what is still settling this close to the deadline is cancelled and ends `failed`, so the answer is posted in time.
    /// </summary>
    public static readonly TimeSpan ResponseReserve = TimeSpan.FromMilliseconds(500);

    public InvocationRequest Request => request;
    public FunctionIdentity Function => function;
    public string RequestId => request.RequestId;
    public bool ColdStart => coldStart;

    /// <summary>The time left before the deadline; <see cref="TimeSpan.MaxValue"/> when Lambda gave none.</summary>
    public TimeSpan RemainingTime => request.Deadline is { } end ? end - time.GetUtcNow() : TimeSpan.MaxValue;

    /// <summary>The X-Ray Root, as Powertools logs it.</summary>
    public string? XRayTraceId => RootOf(request.TraceHeader);

    /// <summary>The Powertools keys every log line of this invocation carries.</summary>
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

    /// <summary>A token that is cancelled <see cref="ResponseReserve"/> before the deadline (already, when that has passed).</summary>
    public CancellationTokenSource CreateDeadlineSource(CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        if (request.Deadline is not null)
        {
            var budget = RemainingTime - ResponseReserve;
            if (budget <= TimeSpan.Zero)
                source.Cancel();
            else
                source.CancelAfter(budget);
        }
        return source;
    }

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
