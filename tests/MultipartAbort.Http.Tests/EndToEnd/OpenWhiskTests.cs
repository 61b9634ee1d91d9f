using System.Text.Json;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;
using static MultipartAbort.Http.Tests.Infrastructure.HostRequests;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>The Apache OpenWhisk action protocol: /init, then /run with the parameters in value and a deadline.</summary>
[Collection("moto")]
public sealed class OpenWhiskTests(MotoServer moto) : HostTestBase(moto)
{
    private static string Activation(string valueJson, string activationId = "4f1c0d5e7a2b4c3d8e9f", DateTimeOffset? deadline = null) =>
        $$"""{"value":{{valueJson}},"namespace":"guest","action_name":"/guest/multipart-abort","activation_id":"{{activationId}}","deadline":"{{(deadline ?? DateTimeOffset.UtcNow.AddMinutes(1)).ToUnixTimeMilliseconds()}}"}""";

    [Fact]
    public async Task InitThenRun_WhenTrusted_AbortsAndAnswersTheResultWithTheActivationInTheLogs()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (initStatus, _) = await host.SendAsync(Post("/init", """{"value":{"name":"multipart-abort","main":"main","binary":false,"code":""}}"""));
        var (status, result) = await host.SendAsync(Post("/run", Activation(AbortRequest(bucket, key, uploadId))));

        initStatus.Should().Be(200);
        status.Should().Be(200);
        result.Outcome().Should().Be("aborted");
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull();
        var line = await host.WaitForLineAsync(l => l.TryGetProperty("outcome", out _));
        line.GetProperty("function_request_id").GetString().Should().Be("4f1c0d5e7a2b4c3d8e9f");
        line.GetProperty("function_name").GetString().Should().Be("/guest/multipart-abort");
    }

    [Fact]
    public async Task Run_WhenTheParametersAreNoRequest_AnswersAnErrorObjectWithANon200Status()
    {
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (status, result) = await host.SendAsync(Post("/run", Activation("""{"bucket_name":"some-bucket"}""")));

        status.Should().Be(400);
        result.GetProperty("error").GetString().Should().Contain("names no upload");
    }

    [Fact]
    public async Task Run_WhenAnUploadLacksAField_AnswersItsRejectedOutcome()
    {
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (status, result) = await host.SendAsync(Post("/run", Activation("""{"bucket":"some-bucket","key":"k"}""")));

        status.Should().Be(200);
        result.Outcome().Should().Be("rejected");
        result.GetProperty("results")[0].GetProperty("message").GetString().Should().Contain("uploadId is missing");
    }

    [Fact]
    public async Task Run_WhenTheBodyIsNotAnActivation_AnswersAnErrorObject()
    {
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (status, result) = await host.SendAsync(Post("/run", """{"value": 42}"""));

        status.Should().Be(400);
        result.GetProperty("error").GetString().Should().Contain("value");
    }

    [Fact]
    public async Task Run_WhenTheDeadlineHasPassed_AnswersAnErrorAndTouchesNothing()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (status, result) = await host.SendAsync(Post("/run", Activation(AbortRequest(bucket, key, uploadId), deadline: DateTimeOffset.UtcNow.AddMinutes(-1))));

        status.Should().Be(503);
        result.GetProperty("error").GetString().Should().Contain("deadline");
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task Run_WhenNotTrustedAndUnsigned_Answers401AndTouchesNothing()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());

        var (status, result) = await host.SendAsync(Post("/run", Activation(AbortRequest(bucket, key, uploadId))));

        status.Should().Be(401);
        result.TryGetProperty("error", out _).Should().BeTrue();
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task Run_WhenNotTrustedButSigned_Runs()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());
        var body = Activation(AbortRequest(bucket, key, uploadId));

        var (status, result) = await host.SendAsync(Post("/run", body).Signed(body));

        status.Should().Be(200);
        result.Outcome().Should().Be("aborted");
    }
}
