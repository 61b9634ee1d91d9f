using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary>Secrets read at start-up from SSM Parameter Store (moto's SSM over HTTP), named by *_PARAMETER variables.</summary>
[Collection(MotoCollection.Name)]
public sealed class ParameterStoreSecretsTests(MotoServer moto) : IDisposable
{
    private readonly AmazonSimpleSystemsManagementClient _ssm =
        new("testing", "testing", new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = "us-east-1" });

    private readonly string _prefix = $"/mpa-test/{Guid.NewGuid():N}/";

    public void Dispose() => _ssm.Dispose();

    private async Task<string> Put(string name, string value, ParameterType? type = null)
    {
        await _ssm.PutParameterAsync(new PutParameterRequest { Name = _prefix + name, Value = value, Type = type ?? ParameterType.SecureString });
        return _prefix + name;
    }

    /// <summary>The function's environment on moto with the HMAC keys taken out, plus <paramref name="extra"/> and SSM_ENDPOINT.</summary>
    private DictionaryEnvironment Environment(params (string Name, string? Value)[] extra)
    {
        var env = moto.FunctionEnvironment(extra);
        env[EnvironmentVariables.SsmEndpoint] = moto.Endpoint.ToString();
        foreach (var (name, _) in extra)
            if (name.EndsWith(EnvironmentVariables.ParameterSuffix, StringComparison.Ordinal))
                env.Remove(name[..^EnvironmentVariables.ParameterSuffix.Length]);
        return new DictionaryEnvironment(env);
    }

    [Fact]
    public async Task Compose_WithSecureStringParameters_ReadsHmacKeysAndWebhookSecretAndTheStoreWorks()
    {
        var keyId = await Put("cos-key-id", "testing");
        var secretKey = await Put("cos-secret", "testing");
        var webhook = await Put("webhook", "whsec-from-ssm");
        using var s3 = moto.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await seeder.UploadAsync(bucket, "k", parts: 1);

        var services = ServiceComposition.Create(
            Environment(
                (EnvironmentVariables.CosAccessKeyIdParameter, keyId),
                (EnvironmentVariables.CosSecretAccessKeyParameter, secretKey),
                (EnvironmentVariables.WebhookSecretParameter, webhook)
            ),
            TextWriter.Null
        );

        services.Settings.WebhookSecret!.Reveal().Should().Be("whsec-from-ssm");
        services.Settings.Credentials.Kind.Should().Be(CredentialKind.Hmac);
        services.Settings.Credentials.AccessKeyId.Should().Be("testing");
        var page = await services.Store.ListUploadsAsync(new Core.Ports.UploadListing(bucket), CancellationToken.None);
        page.Uploads.Should().ContainSingle(u => u.Key == "k", "the store client signs with the keys read from SSM");
    }

    [Fact]
    public async Task Resolve_WithMissingParameter_NamesTheVariableAndTheParameter()
    {
        var webhook = await Put("webhook", "whsec-present");
        var missing = _prefix + "no-such-key";

        var act = () => ParameterStoreSecrets.Resolve(Environment((EnvironmentVariables.WebhookSecretParameter, webhook), (EnvironmentVariables.CosApiKeyParameter, missing)));

        var ex = act.Should().Throw<ConfigurationException>().Which;
        ex.Problems.Should().ContainSingle().Which.Should().Be($"COS_API_KEY_PARAMETER: SSM parameter '{missing}' does not exist or is not readable by this role");
        ex.Message.Should().NotContain("whsec-present");
    }

    [Fact]
    public async Task Resolve_WithPlainStringParameter_RefusesItWithoutShowingTheValue()
    {
        var plain = await Put("plain-webhook", "plain-text-secret", ParameterType.String);

        var act = () => ParameterStoreSecrets.Resolve(Environment((EnvironmentVariables.WebhookSecretParameter, plain)));

        var ex = act.Should().Throw<ConfigurationException>().Which;
        ex.Message.Should().Contain($"WEBHOOK_SECRET_PARAMETER: SSM parameter '{plain}' must be a SecureString");
        ex.Message.Should().NotContain("plain-text-secret");
    }

    [Fact]
    public void Resolve_WithBothTheVariableAndItsParameter_IsAConfigurationError()
    {
        var env = new DictionaryEnvironment(
            new Dictionary<string, string?> { [EnvironmentVariables.WebhookSecret] = "inline-secret", [EnvironmentVariables.WebhookSecretParameter] = "/x/webhook" }
        );

        var act = () => ParameterStoreSecrets.Resolve(env);

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("set either WEBHOOK_SECRET or WEBHOOK_SECRET_PARAMETER, not both").And.NotContain("inline-secret");
    }

    [Fact]
    public void Resolve_WithoutParameterVariables_CallsNothingAndKeepsPlainVariables()
    {
        // SSM_ENDPOINT points at a closed port: any call would fail, so success proves no call was made.
        var env = new DictionaryEnvironment(
            new Dictionary<string, string?> { [EnvironmentVariables.WebhookSecret] = "plain", [EnvironmentVariables.SsmEndpoint] = "http://127.0.0.1:9" }
        );

        var resolved = ParameterStoreSecrets.Resolve(env);

        Settings.Load(resolved).WebhookSecret!.Reveal().Should().Be("plain");
    }

    [Fact]
    public void Resolve_WhenSsmIsUnreachable_NamesTheParametersAndFails()
    {
        var env = new DictionaryEnvironment(
            new Dictionary<string, string?> { [EnvironmentVariables.WebhookSecretParameter] = "/x/webhook", [EnvironmentVariables.SsmEndpoint] = "http://127.0.0.1:9" }
        );

        var act = () => ParameterStoreSecrets.Resolve(env);

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("cannot read the SSM parameters WEBHOOK_SECRET_PARAMETER='/x/webhook'");
    }
}
