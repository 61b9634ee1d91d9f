using MultipartAbort.Core.Hosting;
using MultipartAbort.Lambda.Context;

namespace MultipartAbort.Lambda.Bootstrap;

/// <summary>Runs one invocation through the core: decode, handle, encode (done by the core), then one EMF line.</summary>
public sealed class FunctionInvoker(FunctionServices services)
{
    public async Task<byte[]> InvokeAsync(LambdaContext context, CancellationToken ct)
    {
        using var deadline = context.CreateDeadlineSource(ct);
        var response = await services.Handler.HandleAsync(context.Request.Event, context.ToInvocationContext(), deadline.Token).ConfigureAwait(false);
        services.Metrics.Flush(response.Counts);
        return response.Body;
    }
}
