using System.Text.Json;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;
using static MultipartAbort.Http.Tests.Infrastructure.HostRequests;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>POST / as a webhook: the published host, over a socket, against moto; signatures checked as the Function URL's are.</summary>
[Collection("moto")]
public sealed class WebhookTests(MotoServer moto) : HostTestBase(moto)
{
    [Fact]
    public async Task Post_WhenSignedAbortRequest_AbortsTheUploadAndAnswers200WithTheResult()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());
        var body = AbortRequest(bucket, key, uploadId);

        var (status, result) = await host.SendAsync(Post("/", body).Signed(body));

        status.Should().Be(200);
        result.Outcome().Should().Be("aborted");
        result.GetProperty("summary").GetProperty("aborted").GetInt32().Should().Be(1);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull("the upload is gone from the store");
    }

    [Fact]
    public async Task Post_WhenUnsigned_Answers401AndTouchesNothing()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());

        var (status, result) = await host.SendAsync(Post("/", AbortRequest(bucket, key, uploadId)));

        status.Should().Be(401);
        result.GetProperty("error").GetString().Should().Contain("X-Signature header is missing");
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task Post_WhenSignatureIsStale_Answers401AndTouchesNothing()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());
        var body = AbortRequest(bucket, key, uploadId);

        var (status, _) = await host.SendAsync(Post("/", body).Signed(body, at: DateTimeOffset.UtcNow.AddHours(-1)));

        status.Should().Be(401);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task Post_WhenSignedWithAnotherSecret_Answers401AndTouchesNothing()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());
        var body = AbortRequest(bucket, key, uploadId);

        var (status, _) = await host.SendAsync(Post("/", body).Signed(body, secret: "not-the-secret"));

        status.Should().Be(401);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task Post_WhenNoSecretIsConfigured_RefusesEvenASignedRequest()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(secret: null));
        var body = AbortRequest(bucket, key, uploadId);

        var (status, result) = await host.SendAsync(Post("/", body).Signed(body));

        status.Should().Be(401);
        result.GetProperty("error").GetString().Should().Contain("WEBHOOK_SECRET is not configured");
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task Post_WhenBodyIsNotJson_Answers400NamingTheProblem()
    {
        await using var host = await HostProcess.StartAsync(Environment());
        const string body = "{\"bucket\": ";

        var (status, result) = await host.SendAsync(Post("/", body).Signed(body));

        status.Should().Be(400);
        result.Outcome().Should().Be("rejected");
        result.GetProperty("results")[0].GetProperty("message").GetString().Should().Contain("not valid JSON");
    }

    [Fact]
    public async Task Post_WhenNoShapeMatches_Answers400NamingTheProblem()
    {
        await using var host = await HostProcess.StartAsync(Environment());
        const string body = """{"bucket_name":"some-bucket"}""";

        var (status, result) = await host.SendAsync(Post("/", body).Signed(body));

        status.Should().Be(400);
        result.GetProperty("results")[0].GetProperty("message").GetString().Should().Contain("names no upload");
    }

    [Fact]
    public async Task Post_WhenAnUploadLacksAField_AnswersItsRejectedOutcomeNamingTheField()
    {
        await using var host = await HostProcess.StartAsync(Environment());
        const string body = """{"bucket":"some-bucket","key":"k"}""";

        var (status, result) = await host.SendAsync(Post("/", body).Signed(body));

        // As the Function URL does: a well-formed request whose upload is invalid ends in the rejected outcome.
        status.Should().Be(200);
        result.Outcome().Should().Be("rejected");
        result.GetProperty("results")[0].GetProperty("message").GetString().Should().Contain("uploadId is missing");
    }

    [Fact]
    public async Task Post_WhenBodyIsOverTheLimit_Answers413NamingTheLimit()
    {
        await using var host = await HostProcess.StartAsync(Environment());
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["bucket"] = "b", ["padding"] = new string('x', 300 * 1024) });

        var request = Post("/", body).Signed(body);
        // Expect: 100-continue lets the host refuse before the body is sent, so the answer never races the upload.
        request.Headers.ExpectContinue = true;

        var (status, result) = await host.SendAsync(request);

        status.Should().Be(413);
        result.GetProperty("error").GetString().Should().Contain("262144 bytes");
    }

    [Fact]
    public async Task Post_WhenTheStoreFailsTransientlyAndNothingCanRequeue_Answers5xxWithTheFailedOutcome()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var store = await LoopbackS3Proxy.StartAsync(Moto.Endpoint, new FaultInjection().FailBucket(bucket));
        var env = Environment();
        env["COS_ENDPOINT"] = store.Endpoint.ToString();
        await using var host = await HostProcess.StartAsync(env);
        var body = AbortRequest(bucket, key, uploadId);

        var (status, result) = await host.SendAsync(Post("/", body).Signed(body));

        status.Should().Be(502);
        result.Outcome().Should().Be("failed");
    }

    [Theory]
    [InlineData("GET", "/", 405)]
    [InlineData("PUT", "/", 405)]
    [InlineData("GET", "/no-such-path", 404)]
    [InlineData("POST", "/no-such-path", 404)]
    public async Task Request_WhenMethodOrPathIsNotServed_AnswersAsUsual(string method, string path, int expected)
    {
        await using var host = await HostProcess.StartAsync(Environment());

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        ((int)response.StatusCode).Should().Be(expected);
    }
}
