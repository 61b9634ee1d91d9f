using MultipartAbort.Adapters.Iam;

namespace MultipartAbort.Adapters;

/// <summary>Throws <see cref="ConfigurationException"/> naming every bad variable, or when IAM refuses COS_API_KEY (never quoting it).</summary>
public static class ServiceComposition
{
    public static FunctionServices Create(IEnvironment env, TextWriter logOutput, LogLevel? logLevel = null, TimeProvider? time = null, HttpClient? iamHttp = null) =>
        Compose(env, logOutput, logLevel, time, iamHttp).Services;

    /// <summary>The S3 client too, for what the ports do not cover (mpa doctor).</summary>
    public static Composed Compose(IEnvironment env, TextWriter logOutput, LogLevel? logLevel = null, TimeProvider? time = null, HttpClient? iamHttp = null)
    {
        time ??= TimeProvider.System;
        var settings = Settings.Load(ParameterStoreSecrets.Resolve(env));
        var iamTokens = settings.Credentials.Kind == CredentialKind.IbmApiKey ? StartIam(settings, logOutput, logLevel, time, iamHttp) : null;
        var s3 = AwsClients.CreateS3(settings, iamTokens);
        var store = new S3ObjectStore(s3);
        var queues = AwsClients.CreateQueues(settings, s3, time);
        return new Composed(FunctionServices.Create(settings, store, queues, logOutput, logLevel, time), s3);
    }

    // The first token exchange happens here, so a refused key stops start-up instead of every request.
    private static IamTokenProvider StartIam(Settings settings, TextWriter logOutput, LogLevel? logLevel, TimeProvider time, HttpClient? iamHttp)
    {
        var log = new StructuredLogger(logOutput, settings.ServiceName, logLevel ?? LogLevels.Parse(settings.LogLevel), time);
        iamHttp ??= new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        var tokens = new IamTokenProvider(iamHttp, settings.IamEndpoint, settings.Credentials.SecretValue!, time, log);
        try
        {
            // Start-up is synchronous with no synchronization context: blocking is safe.
            tokens.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (IamException ex)
        {
            tokens.Dispose();
            throw new ConfigurationException([$"{EnvironmentVariables.CosApiKey}: {ex.Message}"]);
        }
        return tokens;
    }
}

public sealed record Composed(FunctionServices Services, Amazon.S3.IAmazonS3 S3);
