using System.Text;
using System.Text.Json;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using MultipartAbort.Core.Security;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>
/// The published Native AOT bootstrap reading its secrets from SSM Parameter Store (moto) at start-up, as the template
/// deploys it: only *_PARAMETER names in the environment.
/// </summary>
[Collection("moto")]
public sealed class ParameterStoreSecretsEndToEndTests(MotoServer moto) : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly StoreSeeder _seeder = new(moto.CreateS3Client());
    private readonly AmazonSimpleSystemsManagementClient _ssm =
        new("testing", "testing", new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = "us-east-1" });
    private readonly string _prefix = $"/mpa-e2e/{Guid.NewGuid():N}/";

    public void Dispose() => _ssm.Dispose();

    private async Task<string> Put(string name, string value)
    {
        await _ssm.PutParameterAsync(new PutParameterRequest { Name = _prefix + name, Value = value, Type = ParameterType.SecureString });
        return _prefix + name;
    }

    /// <summary>The function's environment without any secret value: the HMAC keys and the webhook secret are parameter names.</summary>
    private Dictionary<string, string?> Environment(FakeRuntimeApi api, params (string Name, string? Value)[] parameters)
    {
        var env = moto.FunctionEnvironment();
        env.Remove("COS_ACCESS_KEY_ID");
        env.Remove("COS_SECRET_ACCESS_KEY");
        LambdaEnvironment.Apply(env, api);
        env["SSM_ENDPOINT"] = moto.Endpoint.ToString();
        foreach (var (name, value) in parameters)
            env[name] = value;
        return env;
    }

    [Fact]
    public async Task SignedWebhook_WithTheSecretFromSsm_AbortsAndNoSecretIsLogged()
    {
        const string secret = "e2e-ssm-webhook-secret";
        var bucket = await _seeder.BucketAsync();
        var uploadId = await _seeder.UploadAsync(bucket, "ssm/signed.bin");
        var webhook = await Put("webhook", secret);
        var keyId = await Put("key-id", "testing");
        var secretKey = await Put("secret-key", "testing");
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(
            await PublishedBootstrap.PathAsync(),
            Environment(api, ("WEBHOOK_SECRET_PARAMETER", webhook), ("COS_ACCESS_KEY_ID_PARAMETER", keyId), ("COS_SECRET_ACCESS_KEY_PARAMETER", secretKey))
        );
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["bucket"] = bucket, ["key"] = "ssm/signed.bin", ["uploadId"] = uploadId });
        var signature = WebhookSignature.Sign(secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body));

        var answer = await api.Enqueue("req-ssm", FunctionUrlEvent(body, signature)).WaitAsync(Guard);

        answer.Kind.Should().Be(RecordedAnswer.Response);
        answer.Json.GetProperty("statusCode").GetInt32().Should().Be(200, answer.Json.ToString());
        JsonDocument.Parse(answer.Json.GetProperty("body").GetString()!).RootElement.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
        (await _seeder.PartCountAsync(bucket, "ssm/signed.bin", uploadId)).Should().BeNull();
        string.Join('\n', function.StdoutLines).Should().NotContain(secret);
    }

    [Fact]
    public async Task MissingParameter_GoesToInitErrorNamingIt()
    {
        var missing = _prefix + "not-there";
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(await PublishedBootstrap.PathAsync(), Environment(api, ("WEBHOOK_SECRET_PARAMETER", missing)), expectCritical: true);

        var init = await api.InitError.WaitAsync(Guard);

        init.ErrorType.Should().Be("Runtime.ConfigInvalid");
        init.Json.GetProperty("errorMessage").GetString().Should().Contain($"WEBHOOK_SECRET_PARAMETER: SSM parameter '{missing}' does not exist");
        api.NextCalls.Should().Be(0, "a function that cannot read its secrets must not take work");
    }

    private static string FunctionUrlEvent(string body, string signature) =>
        JsonSerializer.Serialize(
            new Dictionary<string, object>
            {
                ["version"] = "2.0",
                ["routeKey"] = "$default",
                ["rawPath"] = "/",
                ["rawQueryString"] = "",
                ["headers"] = new Dictionary<string, string> { ["content-type"] = "application/json", ["x-signature"] = signature },
                ["requestContext"] = new Dictionary<string, object>
                {
                    ["requestId"] = Guid.NewGuid().ToString(),
                    ["http"] = new Dictionary<string, string> { ["method"] = "POST", ["path"] = "/", ["sourceIp"] = "203.0.113.9" },
                },
                ["body"] = body,
                ["isBase64Encoded"] = false,
            }
        );
}
