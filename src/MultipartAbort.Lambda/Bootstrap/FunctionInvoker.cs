using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Lambda.Context;

namespace MultipartAbort.Lambda.Bootstrap;

public sealed class FunctionInvoker(FunctionServices services, EmfMetrics metrics)
{
    public async Task<byte[]> InvokeAsync(LambdaContext context, CancellationToken ct)
    {
        var response = await services.InvokeAsync(context.Request.Event, context.Request.Deadline, ct).ConfigureAwait(false);
        metrics.Flush(response.Counts);
        if (response.Result?.Report is { } report)
            metrics.Flush(report);
        return response.Body;
    }
}
