using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>The workflow on a store double and recording queues, with a fixed clock and no backoff waits (re-abort or throttling).</summary>
internal sealed class WorkflowHarness
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public ScriptedObjectStore Store { get; } = new();
    public RecordingQueue Retry { get; } = new("memory://retry");
    public RecordingQueue DeadLetter { get; } = new("memory://dlq");
    public StringWriter Logs { get; } = new();
    public Settings Settings { get; init; } = new() { ReabortBackoff = TimeSpan.Zero, ThrottleBackoff = TimeSpan.Zero };
    public bool WithQueues { get; init; } = true;

    /// <summary>The clock the services read; a fixed <see cref="Now"/> unless a test moves time itself.</summary>
    public TimeProvider Clock { get; init; } = new FakeTimeProvider(Now);

    public FunctionServices Services(IObjectStore? store = null) =>
        FunctionServices.Create(Settings, store ?? Store, WithQueues ? new QueuePair(Retry, DeadLetter) : QueuePair.None, Logs, LogLevel.Debug, Clock);

    public async Task<AbortResult> RunAsync(AbortRequest request, AbortOptions? options = null, IObjectStore? store = null)
    {
        var services = Services(store);
        using var invocation = services.Begin(null, CancellationToken.None);
        return await services.Workflow.RunAsync(request, options ?? AbortOptions.Direct, invocation);
    }
}
