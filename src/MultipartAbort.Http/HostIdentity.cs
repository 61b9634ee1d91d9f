using MultipartAbort.Core.Configuration;

namespace MultipartAbort.Http;

/// <summary>What the log lines call this function: the Code Engine app (CE_APP, or Knative's K_SERVICE), when there is one.</summary>
public sealed record HostIdentity(string? FunctionName)
{
    public const string CodeEngineApp = "CE_APP";
    public const string KnativeService = "K_SERVICE";

    public static HostIdentity Read(IEnvironment env) => new(env.Get(CodeEngineApp) ?? env.Get(KnativeService));
}
