using MultipartAbort.Adapters;
using LogLevel = MultipartAbort.Core.Observability.LogLevel;
using MultipartAbort.Http.Endpoints;

namespace MultipartAbort.Http;

public static class HttpHost
{
    public const int ExitConfigInvalid = 1;
    public const int ExitListenFailed = 2;

    /// <summary>A batch of 1,000 uploads with long keys fits.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>Code Engine's longest request timeout.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(string[] args, IEnvironment env, TextWriter stdout, TimeProvider time)
    {
        FunctionServices services;
        try
        {
            services = ServiceComposition.Create(env, stdout, time: time);
        }
#pragma warning disable CA1031 // Any start-up failure is logged as one JSON line and ends the process with a non-zero code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            StructuredLogger.StartupFailed(env, stdout, time, new LogContext { FunctionName = HostIdentity.Read(env).FunctionName }, $"start-up failed: {ex.Message}", ex);
            return ExitConfigInvalid;
        }

        await using var app = Build(args, services, HostIdentity.Read(env), time);
        try
        {
            await app.RunAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            services.Log.Log(LogLevel.Critical, $"could not listen on port {services.Settings.Port}: {ex.Message}");
            return ExitListenFailed;
        }
        return 0;
    }

    /// <summary><paramref name="configure"/> lets tests swap the server (TestServer).</summary>
    public static WebApplication Build(string[] args, FunctionServices services, HostIdentity identity, TimeProvider time, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // stdout carries Powertools JSON lines only.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FrameworkLogBridge(services.Log));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenAnyIP(services.Settings.Port);
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        configure?.Invoke(builder);

        var app = builder.Build();
        var metrics = new OutcomeMetrics(services.Settings);
        var lifetime = app.Lifetime;
        lifetime.ApplicationStopping.Register(() => services.Log.Log(LogLevel.Information, "stopping: no new requests are taken; requests in flight finish first"));
        app.Use(next => new RequestScope(next, services.Log, metrics, identity).InvokeAsync);
        app.MapEndpoints(services, metrics, lifetime);
        return app;
    }
}
