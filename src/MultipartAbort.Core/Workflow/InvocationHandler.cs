using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Core.Workflow;

/// <summary>
/// The one handler every host calls: decodes an event of any shape, runs the workflow, and encodes the
/// answer that shape expects (a result, an SQS batch response, or an HTTP proxy response).
/// </summary>
public sealed class InvocationHandler
{
    private readonly AbortWorkflow _workflow;
    private readonly SweepRunner _sweeps;
    private readonly QueuePair _queues;
    private readonly Settings _settings;
    private readonly StructuredLogger _log;
    private readonly TimeProvider _time;

    public InvocationHandler(IObjectStore store, QueuePair queues, Settings settings, StructuredLogger log, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _queues = queues;
        _settings = settings;
        _log = log;
        _workflow = new AbortWorkflow(store, queues, settings, log, _time);
        _sweeps = new SweepRunner(store, _workflow, queues, log, _time);
    }

    public AbortWorkflow Workflow => _workflow;
    public SweepRunner Sweeps => _sweeps;
    public Settings Settings => _settings;

    /// <summary>Handles a raw event as Lambda delivers it.</summary>
    public async Task<HandlerResponse> HandleAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken ct)
    {
        var decoded = EventDecoder.Decode(eventJson.Span);
        switch (decoded)
        {
            case SqsBatchEvent sqs:
            {
                var (response, counts) = await HandleSqsAsync(sqs.Event, context, ct).ConfigureAwait(false);
                return new HandlerResponse(JsonSerializer.SerializeToUtf8Bytes(response, EventJsonContext.Default.SqsBatchResponse), counts, null);
            }
            case HttpEvent http:
            {
                var (response, result) = await HandleHttpAsync(http.Request, context, ct).ConfigureAwait(false);
                return new HandlerResponse(JsonSerializer.SerializeToUtf8Bytes(response, EventJsonContext.Default.HttpProxyResponse), result?.Summary ?? new OutcomeCounts(), result);
            }
            case PayloadEvent payload:
            {
                var result = await RunAsync(payload.Payload, AbortOptions.Direct, context, null, ct).ConfigureAwait(false);
                return new HandlerResponse(WireJson.Result(result), result.Summary, result);
            }
            default:
                throw new InvalidOperationException($"unhandled event shape {decoded.GetType().Name}");
        }
    }

    /// <summary>Runs what a request asks for: uploads concurrently (order kept), a sweep, or the configured sweeps.</summary>
    public async Task<InvocationResult> RunAsync(RequestPayload payload, AbortOptions options, InvocationContext context, IProgress<SweepProgress>? progress, CancellationToken ct)
    {
        switch (payload)
        {
            case InvalidPayload invalid:
                _log.Outcome(invalid.Rejection);
                return InvocationResult.From([invalid.Rejection]);

            case UploadsPayload uploads:
            {
                var results = new AbortResult[uploads.Items.Count];
                await Parallel
                    .ForAsync(
                        0,
                        results.Length,
                        new ParallelOptions { MaxDegreeOfParallelism = _settings.SweepConcurrency, CancellationToken = ct },
                        async (i, token) =>
                        {
                            var item = uploads.Items[i];
                            if (item.Rejection is { } rejection)
                            {
                                _log.Outcome(rejection);
                                results[i] = rejection;
                            }
                            else
                                results[i] = await _workflow.RunAsync(item.Request!, options, token).ConfigureAwait(false);
                        }
                    )
                    .ConfigureAwait(false);
                return InvocationResult.From(results);
            }

            case SweepPayload sweep:
                return await RunSweepsAsync([sweep.Sweep], context, progress, ct).ConfigureAwait(false);

            case ScheduledSweepPayload scheduled:
            {
                if (_settings.SweepTargets.Count == 0)
                {
                    var rejection = AbortResult.Rejected(null, null, null, 0, $"a scheduled event (source {scheduled.Source ?? "unknown"}) arrived but SWEEP_TARGETS is not set, so there is nothing to sweep");
                    _log.Outcome(rejection);
                    return InvocationResult.From([rejection]);
                }
                var sweeps = _settings.SweepTargets.Select(t => new SweepRequest(t.Bucket, t.OlderThan) { Prefix = t.Prefix }).ToArray();
                return await RunSweepsAsync(sweeps, context, progress, ct).ConfigureAwait(false);
            }

            default:
                throw new InvalidOperationException($"unhandled payload {payload.GetType().Name}");
        }
    }

    private async Task<InvocationResult> RunSweepsAsync(IReadOnlyList<SweepRequest> sweeps, InvocationContext context, IProgress<SweepProgress>? progress, CancellationToken ct)
    {
        var counts = new OutcomeCounts();
        var results = new List<AbortResult>();
        var summaries = new List<SweepSummary>();
        foreach (var sweep in sweeps)
        {
            var (summary, sweepCounts, notable) = await _sweeps.RunAsync(sweep, context, progress, ct).ConfigureAwait(false);
            counts.Add(sweepCounts);
            results.AddRange(notable);
            summaries.Add(summary);
            _log.Log(
                LogLevel.Information,
                $"sweep of {sweep}: listed {summary.Listed}, matched {summary.Matched}, aborted {summary.Aborted}, already gone {summary.AlreadyGone}, requeued {summary.Requeued}, failed {summary.Failed}"
            );
        }
        return new InvocationResult(results, counts) { Sweeps = summaries };
    }

    /// <summary>
    /// An SQS batch: records run concurrently; poison records (malformed, not allowed) go to the dead-letter
    /// queue with their reason; only records that failed transiently are listed for redelivery.
    /// </summary>
    public async Task<(SqsBatchResponse Response, OutcomeCounts Counts)> HandleSqsAsync(SqsEvent sqs, InvocationContext context, CancellationToken ct)
    {
        var failures = new SqsBatchItemFailure?[sqs.Records.Count];
        var counts = new OutcomeCounts();
        await Parallel
            .ForAsync(
                0,
                sqs.Records.Count,
                new ParallelOptions { MaxDegreeOfParallelism = _settings.SweepConcurrency, CancellationToken = ct },
                async (i, token) =>
                {
                    var record = sqs.Records[i];
                    var id = record.MessageId ?? $"record-{i}";
                    var payload = RequestParser.ParseText(record.Body);
                    var result = await RunAsync(payload, AbortOptions.SqsRecord, context, null, token).ConfigureAwait(false);
                    counts.Add(result.Summary);
                    if (!await SettleRecordAsync(record, result, token).ConfigureAwait(false))
                        failures[i] = new SqsBatchItemFailure { ItemIdentifier = id };
                }
            )
            .ConfigureAwait(false);
        return (new SqsBatchResponse { BatchItemFailures = failures.OfType<SqsBatchItemFailure>().ToList() }, counts);
    }

    /// <summary>True when the record is done with (delete it); false when SQS must deliver it again.</summary>
    private async Task<bool> SettleRecordAsync(SqsMessage record, InvocationResult result, CancellationToken ct)
    {
        if (result.Summary[AbortOutcome.Failed] > 0)
            return false;
        var rejected = result.Results.Where(r => r.Outcome == AbortOutcome.Rejected).ToArray();
        if (rejected.Length == 0)
            return true;
        // A poison record can never succeed: keep it, with the reason, in the dead-letter queue.
        var reason = string.Join("; ", rejected.Select(r => r.Message));
        if (_queues.DeadLetter is null)
        {
            _log.Log(LogLevel.Error, $"SQS message {record.MessageId} can never succeed ({reason}) and DEAD_LETTER_QUEUE_URL is not set; leaving it for SQS's redrive policy");
            return false;
        }
        try
        {
            await _queues.DeadLetter.SendAsync(WireJson.Poison(reason, record.Body, record.MessageId), TimeSpan.Zero, ct).ConfigureAwait(false);
            _log.Log(LogLevel.Warning, $"SQS message {record.MessageId} dead-lettered: {reason}");
            return true;
        }
        catch (StoreException ex)
        {
            _log.Log(LogLevel.Error, $"SQS message {record.MessageId} could not be dead-lettered: {ex.Message}", ex);
            return false;
        }
    }

    /// <summary>
    /// A webhook (Function URL, API Gateway, the IBM HTTP host): POST only, X-Signature checked before the
    /// body is read (fail closed), then the body is one of the request shapes.
    /// </summary>
    public async Task<(int Status, string Body, InvocationResult? Result)> HandleWebhookAsync(
        string method,
        string? signatureHeader,
        byte[] rawBody,
        InvocationContext context,
        CancellationToken ct
    )
    {
        if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
            return (405, ErrorBody($"method {method} is not allowed; POST a JSON request"), null);
        var problem = WebhookSignature.Verify(signatureHeader, rawBody, _settings.WebhookSecret?.Reveal(), _time.GetUtcNow(), _settings.WebhookTolerance);
        if (problem is not null)
        {
            _log.Log(LogLevel.Warning, $"webhook refused: {problem}");
            return (401, ErrorBody(problem), null);
        }
        var payload = RequestParser.ParseText(Encoding.UTF8.GetString(rawBody));
        var result = await RunAsync(payload, AbortOptions.Direct, context, null, ct).ConfigureAwait(false);
        var status = payload is InvalidPayload ? 400 : result.Summary[AbortOutcome.Failed] > 0 ? 502 : 200;
        return (status, WireJson.ResultText(result), result);
    }

    public async Task<(HttpProxyResponse Response, InvocationResult? Result)> HandleHttpAsync(HttpProxyEvent request, InvocationContext context, CancellationToken ct)
    {
        byte[] body;
        try
        {
            body = request.IsBase64Encoded ? Convert.FromBase64String(request.Body ?? "") : Encoding.UTF8.GetBytes(request.Body ?? "");
        }
        catch (FormatException)
        {
            return (new HttpProxyResponse { StatusCode = 400, Body = ErrorBody("the body is marked base64 but is not valid base64") }, null);
        }
        var (status, text, result) = await HandleWebhookAsync(request.Method, Header(request, WebhookSignature.HeaderName), body, context, ct).ConfigureAwait(false);
        return (new HttpProxyResponse { StatusCode = status, Body = text }, result);
    }

    private static string? Header(HttpProxyEvent request, string name)
    {
        if (request.Headers is { } headers)
            foreach (var (k, v) in headers)
                if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
                    return v;
        if (request.MultiValueHeaders is { } multi)
            foreach (var (k, v) in multi)
                if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase) && v is { Count: > 0 })
                    return v[0];
        return null;
    }

    private static string ErrorBody(string message)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
