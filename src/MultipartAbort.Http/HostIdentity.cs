namespace MultipartAbort.Http;

/// <summary>CE_APP, or K_SERVICE.</summary>
public sealed record HostIdentity(string? FunctionName)
{
    public const string CodeEngineApp = "CE_APP";
    public const string KnativeService = "K_SERVICE";

    public static HostIdentity Read(IEnvironment env) => new(env.Get(CodeEngineApp) ?? env.Get(KnativeService));
}
