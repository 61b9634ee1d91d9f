using MultipartAbort.Core.Adapters;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Workflow;

namespace MultipartAbort.Core.Hosting;

/// <summary>
/// The composition root the hosts share: settings read once, the SDK clients built once, the logger, the
/// metrics writer and the handler. Throws <see cref="ConfigurationException"/> when the environment is wrong.
/// </summary>
public sealed class FunctionServices
{
    public required Settings Settings { get; init; }
    public required StructuredLogger Log { get; init; }
    public required EmfMetrics Metrics { get; init; }
    public required InvocationHandler Handler { get; init; }
    public required IObjectStore Store { get; init; }
    public required QueuePair Queues { get; init; }

    /// <summary>Builds everything from the environment; logs and metrics go to <paramref name="logOutput"/>.</summary>
    public static FunctionServices Create(IEnvironment env, TextWriter logOutput, TextWriter? metricsOutput = null, LogLevel? logLevel = null, TimeProvider? time = null)
    {
        var settings = Settings.Load(env);
        var store = new S3ObjectStore(AwsClients.CreateS3(settings));
        var queues = AwsClients.CreateQueues(settings);
        return Create(settings, store, queues, logOutput, metricsOutput, logLevel, time);
    }

    /// <summary>Builds the services on given ports (tests and benchmarks hand in their own).</summary>
    public static FunctionServices Create(
        Settings settings,
        IObjectStore store,
        QueuePair queues,
        TextWriter logOutput,
        TextWriter? metricsOutput = null,
        LogLevel? logLevel = null,
        TimeProvider? time = null
    )
    {
        time ??= TimeProvider.System;
        var log = new StructuredLogger(logOutput, settings.ServiceName, logLevel ?? LogLevels.Parse(settings.LogLevel), time);
        return new FunctionServices
        {
            Settings = settings,
            Log = log,
            Metrics = new EmfMetrics(metricsOutput ?? logOutput, settings.MetricsNamespace, settings.ServiceName, time),
            Handler = new InvocationHandler(store, queues, settings, log, time),
            Store = store,
            Queues = queues,
        };
    }
}
