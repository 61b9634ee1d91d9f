using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Lambda.Context;

namespace MultipartAbort.Lambda.Bootstrap;

public sealed class FunctionInvoker(FunctionServices services, EmfMetrics metrics)
{
    public async Task<byte[]> InvokeAsync(LambdaContext context, CancellationToken ct)
    {
        using var deadline = context.CreateDeadlineSource(ct);
        using var invocation = services.Begin(context.Request.Deadline, deadline.Token);
        var response = await services.Events.HandleAsync(context.Request.Event, invocation).ConfigureAwait(false);
        metrics.Flush(response.Counts);
        if (response.Result?.Report is { } report)
            metrics.Flush(report);
        return response.Body;
    }
}
