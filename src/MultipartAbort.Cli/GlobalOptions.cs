namespace MultipartAbort.Cli;

internal sealed class GlobalOptions
{
    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "S3-compatible endpoint URL (overrides COS_ENDPOINT).", Recursive = true };
    public Option<string?> Region { get; } = new("--region") { Description = "Signing region (overrides COS_REGION).", Recursive = true };
    public Option<string?> LogLevel { get; } = new("--log-level") { Description = "Log level on stderr: Debug, Information, Warning, Error, None (default Warning; POWERTOOLS_LOG_LEVEL also works).", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Endpoint);
        root.Options.Add(Region);
        root.Options.Add(LogLevel);
    }

    public bool TryCreateServices(ParseResult parse, out FunctionServices services, IReadOnlyDictionary<string, string?>? more = null, TextWriter? logOutput = null)
    {
        services = TryCompose(parse, out var composed, more, logOutput) ? composed.Services : null!;
        return services is not null;
    }

    /// <summary>The command's flags (<paramref name="more"/>) laid over the environment.</summary>
    public bool TryCompose(ParseResult parse, out Composed composed, IReadOnlyDictionary<string, string?>? more = null, TextWriter? logOutput = null)
    {
        var overrides = new Dictionary<string, string?>(more ?? new Dictionary<string, string?>())
        {
            [EnvironmentVariables.CosEndpoint] = parse.GetValue(Endpoint),
            [EnvironmentVariables.CosRegion] = parse.GetValue(Region),
        };
        var env = new OverlayEnvironment(ProcessEnvironment.Instance, overrides);
        try
        {
            var level = parse.GetValue(LogLevel) ?? env.Get(EnvironmentVariables.PowertoolsLogLevel) ?? "Warning";
            // stdout is for results.
            composed = ServiceComposition.Compose(env, logOutput ?? Console.Error, LogLevels.Parse(level));
            return true;
        }
        catch (ConfigurationException ex)
        {
            Console.Error.WriteLine($"mpa: {ex.Message}");
            composed = null!;
            return false;
        }
    }

    // A flag left unset falls through to the environment.
    private sealed class OverlayEnvironment(IEnvironment inner, IReadOnlyDictionary<string, string?> overrides) : IEnvironment
    {
        public string? Get(string name) => overrides.TryGetValue(name, out var v) && v is not null ? v : inner.Get(name);
    }
}
