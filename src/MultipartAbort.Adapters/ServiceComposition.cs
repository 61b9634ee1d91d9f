using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;

namespace MultipartAbort.Adapters;

/// <summary>
/// The composition root every host calls once at start-up: settings read and validated, the SDK clients built, the
/// services assembled on them. Throws <see cref="ConfigurationException"/> naming every variable that is wrong.
/// </summary>
public static class ServiceComposition
{
    /// <summary>Builds everything from the environment; logs go to <paramref name="logOutput"/>.</summary>
    public static FunctionServices Create(IEnvironment env, TextWriter logOutput, LogLevel? logLevel = null, TimeProvider? time = null)
    {
        // Secrets named by *_PARAMETER variables come from SSM Parameter Store first (no call when none is named).
        var settings = Settings.Load(ParameterStoreSecrets.Resolve(env));
        var store = new S3ObjectStore(AwsClients.CreateS3(settings));
        var queues = AwsClients.CreateQueues(settings);
        return FunctionServices.Create(settings, store, queues, logOutput, logLevel, time);
    }
}
