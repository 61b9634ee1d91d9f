using Amazon;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace MultipartAbort.Adapters;

/// <summary>Secrets named by <c>*_PARAMETER</c> in one GetParameters call at start-up, so none sits in the function's configuration.</summary>
public static class ParameterStoreSecrets
{
    public static IReadOnlyList<string> SecretVariables { get; } =
    [
        EnvironmentVariables.CosAccessKeyId,
        EnvironmentVariables.CosSecretAccessKey,
        EnvironmentVariables.CosApiKey,
        EnvironmentVariables.WebhookSecret,
    ];

    /// <summary>Errors name variable and parameter, never a value.</summary>
    /// <param name="createClient">Null for the default (<c>SSM_ENDPOINT</c>).</param>
    public static IEnvironment Resolve(IEnvironment env, Func<IEnvironment, IAmazonSimpleSystemsManagement>? createClient = null)
    {
        var problems = new List<string>();
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal); // secret variable -> parameter name
        foreach (var variable in SecretVariables)
        {
            var parameterVariable = variable + EnvironmentVariables.ParameterSuffix;
            if (Trimmed(env.Get(parameterVariable)) is not { } parameter)
                continue;
            if (Trimmed(env.Get(variable)) is not null)
                problems.Add($"set either {variable} or {parameterVariable}, not both");
            else
                wanted[variable] = parameter;
        }
        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        if (wanted.Count == 0)
            return env;

        using var ssm = (createClient ?? CreateClient)(env);
        var names = wanted.Values.Distinct(StringComparer.Ordinal).ToList();
        GetParametersResponse response;
        try
        {
            // Start-up is synchronous, with no synchronisation context: blocking cannot deadlock.
            response = ssm.GetParametersAsync(new GetParametersRequest { Names = names, WithDecryption = true }).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
        {
            var what = ex is AmazonServiceException s && !string.IsNullOrEmpty(s.ErrorCode) ? $"{s.ErrorCode}: {s.Message}" : ex.Message;
            var named = string.Join(", ", wanted.Select(w => $"{w.Key}{EnvironmentVariables.ParameterSuffix}='{w.Value}'"));
            throw new ConfigurationException([$"cannot read the SSM parameters {named}: {what}"]);
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (variable, name) in wanted)
        {
            var label = $"{variable}{EnvironmentVariables.ParameterSuffix}: SSM parameter '{name}'";
            var parameter = (response.Parameters ?? []).FirstOrDefault(p => Names(p, name));
            if (parameter is null)
                problems.Add($"{label} does not exist or is not readable by this role");
            else if (parameter.Type != ParameterType.SecureString)
                problems.Add($"{label} must be a SecureString (it is {parameter.Type?.Value ?? "of no type"}); re-create it with --type SecureString");
            else if (string.IsNullOrWhiteSpace(parameter.Value))
                problems.Add($"{label} is empty");
            else
                values[variable] = parameter.Value;
        }
        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        return new ResolvedEnvironment(env, values);
    }

    // By name, ARN, or a name:version/label selector.
    private static bool Names(Parameter parameter, string requested) =>
        requested == parameter.Name || requested == parameter.ARN || (parameter.Selector is { Length: > 0 } sel && requested == parameter.Name + sel);

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static AmazonSimpleSystemsManagementClient CreateClient(IEnvironment env)
    {
        var config = new AmazonSimpleSystemsManagementConfig { Timeout = TimeSpan.FromSeconds(10), MaxErrorRetry = 3 };
        if (Trimmed(env.Get(EnvironmentVariables.SsmEndpoint)) is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = Trimmed(env.Get("AWS_REGION")) ?? "us-east-1";
        }
        else if (Trimmed(env.Get("AWS_REGION")) is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return new AmazonSimpleSystemsManagementClient(config);
    }

    // Parameter Store secrets never enter the process environment.
    private sealed class ResolvedEnvironment(IEnvironment inner, IReadOnlyDictionary<string, string?> secrets) : IEnvironment
    {
        public string? Get(string name) => secrets.TryGetValue(name, out var value) ? value : inner.Get(name);
    }
}
