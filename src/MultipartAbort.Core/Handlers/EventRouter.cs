namespace MultipartAbort.Core.Handlers;

/// <summary>A raw event of any shape: sorted, handed to its handler, answered in the shape it expects.</summary>
internal sealed class EventRouter(RequestRunner requests, SqsBatchHandler sqsBatches, WebhookHandler webhooks)
{
    public async Task<EventAnswer> HandleAsync(ReadOnlyMemory<byte> eventJson, Invocation invocation)
    {
        switch (EventDecoder.Decode(eventJson.Span))
        {
            case SqsBatchEvent sqs:
            {
                var answer = await sqsBatches.HandleAsync(sqs.Event, invocation).ConfigureAwait(false);
                return new EventAnswer(
                    JsonSerializer.SerializeToUtf8Bytes(answer.Response, EventJsonContext.Default.SqsBatchResponse),
                    answer.Counts,
                    null,
                    answer.Response.BatchItemFailures.Count == 0 && answer.Counts.AllSucceeded
                );
            }
            case HttpEvent http:
            {
                var answer = await webhooks.HandleProxyAsync(http.Request, invocation).ConfigureAwait(false);
                return new EventAnswer(
                    JsonSerializer.SerializeToUtf8Bytes(answer.ToProxyResponse(), EventJsonContext.Default.HttpProxyResponse),
                    answer.Result?.Summary ?? new(),
                    answer.Result,
                    answer.Status == 200 && (answer.Result?.AllSucceeded ?? true)
                );
            }
            case PayloadEvent payload:
            {
                var result = await requests.RunAsync(payload.Payload, AbortOptions.Direct, invocation).ConfigureAwait(false);
                return new EventAnswer(ResultJson.Result(result), result.Summary, result, result.AllSucceeded);
            }
            case var other:
                throw new InvalidOperationException($"unhandled event shape {other.GetType().Name}");
        }
    }
}
