using System.CommandLine;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;

namespace MultipartAbort.Cli;

/// <summary>Options every command takes: where the store is, and how much to log (on stderr).</summary>
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

    public IEnvironment Environment(ParseResult parse) =>
        new OverlayEnvironment(
            ProcessEnvironment.Instance,
            new Dictionary<string, string?>
            {
                [EnvironmentVariables.CosEndpoint] = parse.GetValue(Endpoint),
                [EnvironmentVariables.CosRegion] = parse.GetValue(Region),
            }
        );

    public FunctionServices CreateServices(ParseResult parse)
    {
        var env = Environment(parse);
        var level = parse.GetValue(LogLevel) ?? env.Get(EnvironmentVariables.PowertoolsLogLevel) ?? "Warning";
        // The CLI keeps stdout for results: logs and metrics go to stderr.
        return FunctionServices.Create(env, Console.Error, Console.Error, LogLevels.Parse(level));
    }
}
