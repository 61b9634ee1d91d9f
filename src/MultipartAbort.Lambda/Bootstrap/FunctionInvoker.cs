using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Observability;
using MultipartAbort.Lambda.Context;

namespace MultipartAbort.Lambda.Bootstrap;

/// <summary>Runs one invocation through the core, then writes its EMF lines.</summary>
public sealed class FunctionInvoker(EventRouter events, EmfMetrics metrics)
{
    public async Task<byte[]> InvokeAsync(LambdaContext context, CancellationToken ct)
    {
        using var deadline = context.CreateDeadlineSource(ct);
        var response = await events.HandleAsync(context.Request.Event, context.ToInvocationContext(), deadline.Token).ConfigureAwait(false);
        metrics.Flush(response.Counts);
        if (response.Result?.Report is { } report)
            metrics.Flush(report);
        return response.Body;
    }
}
