using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Hardening;

/// <summary>
/// The services on a slow store whose calls take time of a manual clock (moved by a <see cref="ClockDriver"/> while the
/// event is handled), with a host deadline token that fires, as the Lambda host's does, half a second before the
/// deadline. Calls in flight at the work cut-off are cancelled there, so the bound on the answer is arithmetic, not
/// timing.
/// </summary>
internal sealed class DeadlineHarness
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    public ManualClock Clock { get; } = new(WorkflowHarness.Now);
    public SlowObjectStore Store { get; }
    public RecordingQueue Retry { get; } = new("memory://retry");
    public RecordingQueue DeadLetter { get; } = new("memory://dlq");
    public StringWriter Logs { get; } = new();
    public Settings Settings { get; init; } = new() { ReabortBackoff = TimeSpan.Zero, SweepConcurrency = 4, DeadlineReserve = TimeSpan.FromSeconds(10) };

    public DeadlineHarness() => Store = new SlowObjectStore(Clock, TimeSpan.FromMilliseconds(500));

    public FunctionServices Services() => FunctionServices.Create(Settings, Store, new QueuePair(Retry, DeadLetter), Logs, LogLevel.Warning, Clock);

    /// <summary>Handles one event with <see cref="Budget"/> left; returns the answer and the clock when it was given.</summary>
    public async Task<(EventAnswer Response, DateTimeOffset AnsweredAt, DateTimeOffset Deadline)> InvokeAsync(string json)
    {
        var deadline = Clock.GetUtcNow() + Budget;
        using var host = new CancellationTokenSource(Budget - TimeSpan.FromMilliseconds(500), Clock);
        using var driver = new ClockDriver(Clock, () => Store.Waiting);
        var services = Services();
        var response = await driver.Run(() => services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(deadline, host.Token)));
        return (response, Clock.GetUtcNow(), deadline);
    }

    public static JsonElement Json(EventAnswer response) => JsonDocument.Parse(response.Body).RootElement;

    public static string Upload(string bucket, string key, string uploadId) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["bucket"] = bucket, ["key"] = key, ["uploadId"] = uploadId });

    public static string SqsEvent(IEnumerable<(string? Id, string Body)> records)
    {
        var items = records.Select(r =>
            $$"""{"messageId":{{(r.Id is null ? "null" : JsonSerializer.Serialize(r.Id))}},"receiptHandle":"rh","body":{{JsonSerializer.Serialize(r.Body)}},"attributes":{},"eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:q","awsRegion":"us-east-1"}"""
        );
        return $$"""{"Records":[{{string.Join(",", items)}}]}""";
    }

    /// <summary>The keys a re-queued message names: one upload, or a batch body of them.</summary>
    public static IEnumerable<string?> Keys(string body)
    {
        var root = JsonDocument.Parse(body).RootElement;
        return root.TryGetProperty("uploads", out var items) ? items.EnumerateArray().Select(i => i.GetProperty("key").GetString()).ToArray() : [root.GetProperty("key").GetString()];
    }
}
