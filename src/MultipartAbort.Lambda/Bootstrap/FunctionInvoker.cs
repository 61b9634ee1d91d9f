using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Lambda.Context;

namespace MultipartAbort.Lambda.Bootstrap;

/// <summary>Runs one invocation through the core: decode, handle, encode (done by the core), then one EMF line.</summary>
public sealed class FunctionInvoker(FunctionServices services, EmfMetrics metrics)
{
    public async Task<byte[]> InvokeAsync(LambdaContext context, CancellationToken ct)
    {
        using var deadline = context.CreateDeadlineSource(ct);
        var response = await services.Events.HandleAsync(context.Request.Event, context.ToInvocationContext(), deadline.Token).ConfigureAwait(false);
        metrics.Flush(response.Counts);
        return response.Body;
    }
}
