using System.Security.Cryptography;
using MultipartAbort.Adapters;
using MultipartAbort.Lambda.Client;
using MultipartAbort.Lambda.Context;

namespace MultipartAbort.Lambda.Bootstrap;

/// <summary>A throwing invocation is reported and the loop goes on; only a broken Runtime API ends it.</summary>
public sealed class LambdaBootstrap(RuntimeApiClient client, StructuredLogger log, FunctionIdentity function)
{
    public const int ExitInitFailed = 1;
    public const int ExitRuntimeApiFailed = 2;
    public const int ExitNotInLambda = 3;

    public static async Task<int> RunAsync(IEnvironment env, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        var runtimeApi = env.Get(LambdaEnvironment.RuntimeApi);
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            await stderr.WriteLineAsync($"bootstrap: {LambdaEnvironment.RuntimeApi} is not set; this program runs inside AWS Lambda (or an emulator of its Runtime API)").ConfigureAwait(false);
            return ExitNotInLambda;
        }
        // OpenSSL (SigV4 signing needs it first) loads on another core during the cold start.
        _ = Task.Run(static () => HMACSHA256.HashData("prime"u8, "prime"u8));
        using var client = new RuntimeApiClient(runtimeApi.Trim());
        var function = FunctionIdentity.Read(env);

        FunctionServices services;
        try
        {
            services = ServiceComposition.Create(env, stdout, time: time);
        }
        catch (Exception ex)
        {
            var category = ex is ConfigurationException ? LambdaError.ConfigInvalid : LambdaError.InitFailed;
            var initLog = StructuredLogger.StartupFailed(env, stdout, time, new LogContext { FunctionName = function.Name, FunctionMemorySize = function.MemorySizeMb }, $"start-up failed ({category}): {ex.Message}", ex);
            try
            {
                await client.SendInitErrorAsync(LambdaError.From(ex, category), ct).ConfigureAwait(false);
            }
            catch (Exception report) when (report is HttpRequestException or RuntimeApiException or IOException)
            {
                initLog.Log(LogLevel.Critical, $"could not report the start-up failure to the Runtime API: {report.Message}");
            }
            return ExitInitFailed;
        }

        var metrics = EmfMetrics.For(services.Settings, stdout, time);
        return await new LambdaBootstrap(client, services.Log, function)
            .RunInvocationsAsync(
                async (context, ct) =>
                {
                    var answer = await services.InvokeAsync(context.Request.Event, context.Request.Deadline, ct).ConfigureAwait(false);
                    metrics.Flush(answer.Counts);
                    if (answer.Result?.Report is { } report)
                        metrics.Flush(report);
                    return answer.Body;
                },
                ct
            )
            .ConfigureAwait(false);
    }

    // Any handler, so tests can hand in one that throws.
    internal async Task<int> RunInvocationsAsync(Func<LambdaContext, CancellationToken, Task<byte[]>> handler, CancellationToken ct)
    {
        var coldStart = true;
        while (!ct.IsCancellationRequested)
        {
            InvocationRequest request;
            try
            {
                request = await client.GetNextInvocationAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception ex) when (ex is HttpRequestException or RuntimeApiException or IOException)
            {
                log.Context = LogContext.Empty;
                log.Log(LogLevel.Critical, $"the Runtime API failed ({ex.Message}); exiting so that Lambda starts a new sandbox");
                return ExitRuntimeApiFailed;
            }

            var context = new LambdaContext(request, function, coldStart);
            coldStart = false;
            // Set here so the error path below logs with the invocation's keys too.
            log.Context = context.ToLogContext();
            Environment.SetEnvironmentVariable(LambdaEnvironment.TraceId, request.TraceHeader);
            if (!await InvokeAndAnswerAsync(handler, context, ct).ConfigureAwait(false))
                return ct.IsCancellationRequested ? 0 : ExitRuntimeApiFailed;
        }
        return 0;
    }

    // False when the loop must end (a fatal container error, or the host is stopping).
    private async Task<bool> InvokeAndAnswerAsync(Func<LambdaContext, CancellationToken, Task<byte[]>> handler, LambdaContext context, CancellationToken ct)
    {
        byte[]? body = null;
        LambdaError? error = null;
        try
        {
            body = await handler(context, ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // One bad event never kills the loop: every exception becomes an invocation error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The last line of defence: a bug.
            log.Log(LogLevel.Critical, $"invocation {context.RequestId} failed unexpectedly: {ex.GetType().Name}: {ex.Message} (please report this)", ex);
            error = LambdaError.From(ex, LambdaError.Unhandled);
        }

        try
        {
            if (body is not null)
            {
                try
                {
                    await client.SendResponseAsync(context.RequestId, body, ct).ConfigureAwait(false);
                    return true;
                }
                catch (RuntimeApiException ex) when (ex.Status == System.Net.HttpStatusCode.RequestEntityTooLarge)
                {
                    log.Log(LogLevel.Error, $"the answer ({body.Length} bytes) is larger than Lambda accepts: {ex.Message}");
                    error = new LambdaError(LambdaError.ResponseTooLarge, "ResponseTooLarge", $"the answer ({body.Length} bytes) is larger than Lambda accepts", []);
                }
            }
            await client.SendErrorAsync(context.RequestId, error!, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (RuntimeApiException ex) when (ex.IsFatal)
        {
            log.Log(LogLevel.Critical, $"the Runtime API reported a container error ({ex.Message}); exiting");
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or RuntimeApiException or IOException)
        {
            log.Log(LogLevel.Error, $"could not post the answer to invocation {context.RequestId}: {ex.Message}");
            return true;
        }
    }
}
