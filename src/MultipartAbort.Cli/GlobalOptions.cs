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

    public IEnvironment Environment(ParseResult parse, IReadOnlyDictionary<string, string?>? more = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            [EnvironmentVariables.CosEndpoint] = parse.GetValue(Endpoint),
            [EnvironmentVariables.CosRegion] = parse.GetValue(Region),
        };
        if (more is not null)
            foreach (var (name, value) in more)
                overrides[name] = value;
        return new OverlayEnvironment(ProcessEnvironment.Instance, overrides);
    }

    /// <summary>The command's flags (<paramref name="more"/>) laid over the environment.</summary>
    public FunctionServices CreateServices(ParseResult parse, IReadOnlyDictionary<string, string?>? more = null, TextWriter? logOutput = null) =>
        Compose(parse, more, logOutput).Services;

    private Composed Compose(ParseResult parse, IReadOnlyDictionary<string, string?>? more, TextWriter? logOutput)
    {
        var env = Environment(parse, more);
        var level = parse.GetValue(LogLevel) ?? env.Get(EnvironmentVariables.PowertoolsLogLevel) ?? "Warning";
        // stdout is for results.
        logOutput ??= Console.Error;
        return ServiceComposition.Compose(env, logOutput, LogLevels.Parse(level));
    }

    public bool TryCreateServices(
        ParseResult parse,
        out FunctionServices services,
        out int exitCode,
        IReadOnlyDictionary<string, string?>? more = null,
        TextWriter? logOutput = null
    )
    {
        var ok = TryCompose(parse, out var composed, out exitCode, more, logOutput);
        services = ok ? composed.Services : null!;
        return ok;
    }

    public bool TryCompose(ParseResult parse, out Composed composed, out int exitCode, IReadOnlyDictionary<string, string?>? more = null, TextWriter? logOutput = null)
    {
        try
        {
            composed = Compose(parse, more, logOutput);
            exitCode = ExitCodes.Success;
            return true;
        }
        catch (ConfigurationException ex)
        {
            Console.Error.WriteLine($"mpa: {ex.Message}");
            composed = null!;
            exitCode = ExitCodes.Configuration;
            return false;
        }
    }
}
