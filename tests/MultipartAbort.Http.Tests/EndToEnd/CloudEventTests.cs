using MultipartAbort.Core.Configuration;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;
using static MultipartAbort.Http.Tests.Infrastructure.HostRequests;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>
/// CloudEvents on POST / in binary mode (Code Engine's cron ping) and structured mode: unsigned ones run only when the
/// operator trusts the callers (CLOUDEVENTS_TRUSTED=true); otherwise they need X-Signature like any request.
/// </summary>
[Collection("moto")]
public sealed class CloudEventTests(MotoServer moto) : HostTestBase(moto)
{
    [Fact]
    public async Task BinaryPing_WithEmptyData_WhenTrusted_RunsTheSweepTargetsBeforeAnswering200()
    {
        var (bucket, key, uploadId) = await UploadAsync("tmp/stale.bin");
        await using var host = await HostProcess.StartAsync(Environment(trusted: true, extra: (EnvironmentVariables.SweepTargets, $"{bucket}/tmp/:P1D")));

        var (status, result) = await host.SendAsync(BinaryCloudEvent(""));

        status.Should().Be(200);
        var sweep = result.GetProperty("summary").GetProperty("sweep");
        sweep.GetProperty("bucket").GetString().Should().Be(bucket);
        sweep.GetProperty("aborted").GetInt32().Should().Be(1);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull("the sweep was done before the answer");
    }

    [Fact]
    public async Task BinaryPing_WithAGlobSweepTarget_SweepsEveryBucketItMatches_AndNoOther()
    {
        var family = $"glob{Guid.NewGuid():N}"[..16];
        var buckets = new[] { $"{family}-a", $"{family}-b", $"{family}x-c" };
        var ids = new List<string>();
        foreach (var bucket in buckets)
        {
            await Seeder.BucketAsync(bucket);
            ids.Add(await Seeder.UploadAsync(bucket, "tmp/stale.bin"));
        }
        await using var host = await HostProcess.StartAsync(Environment(trusted: true, extra: (EnvironmentVariables.SweepTargets, $"{family}-*/tmp/:P1D")));

        var (status, result) = await host.SendAsync(BinaryCloudEvent(""));

        status.Should().Be(200);
        result.GetProperty("summary").GetProperty("sweeps").EnumerateArray().Select(s => (s.GetProperty("bucket").GetString(), s.GetProperty("aborted").GetInt32()))
            .Should().Equal((buckets[0], 1), (buckets[1], 1));
        (await Seeder.PartCountAsync(buckets[2], "tmp/stale.bin", ids[2])).Should().Be(1, "the glob does not match it");
    }

    [Fact]
    public async Task BinaryPing_WhoseSweepOutlastsTheRequestTimeout_StopsInTimeAndQueuesItsContinuation()
    {
        // Issue 22 defect 3: the host ran a tick with no deadline, so a long sweep ran past Code Engine's request
        // timeout, wrote no continuation, and the retried tick began again from the first key.
        var bucket = await Seeder.BucketAsync();
        for (var i = 0; i < 300; i++)
            await Seeder.UploadAsync(bucket, $"tmp/{i:D4}", parts: 0);
        await using var slowStore = await MultipartAbort.Testing.Proxy.LoopbackS3Proxy.StartAsync(Moto.Endpoint, new MultipartAbort.Testing.Proxy.FixedLatency(TimeSpan.FromMilliseconds(100)));
        using var sqs = Moto.CreateSqsClient();
        var queue = (await sqs.CreateQueueAsync($"retry-{Guid.NewGuid():N}")).QueueUrl;
        var env = Environment(
            trusted: true,
            extra:
            [
                (EnvironmentVariables.SweepTargets, $"{bucket}/tmp/:P1D"),
                (EnvironmentVariables.SweepConcurrency, "1"),
                (EnvironmentVariables.RetryQueueUrl, queue),
                (EnvironmentVariables.HttpRequestTimeout, "PT15S"),
            ]
        );
        env[EnvironmentVariables.CosEndpoint] = slowStore.Endpoint.ToString();
        // The continuation goes to moto's SQS, which wants some credentials to be signed with.
        env["AWS_ACCESS_KEY_ID"] = "testing";
        env["AWS_SECRET_ACCESS_KEY"] = "testing";
        env["AWS_REGION"] = "us-east-1";
        await using var host = await HostProcess.StartAsync(env);

        // 300 uploads at one at a time, two requests of 100 ms each, would take a minute; the request has 15 s.
        var (status, result) = await host.SendAsync(BinaryCloudEvent(""));

        status.Should().Be(200, result.ToString());
        var sweep = result.GetProperty("summary").GetProperty("sweep");
        sweep.GetProperty("stopReason").GetString().Should().Be("deadline");
        sweep.GetProperty("continued").GetBoolean().Should().BeTrue();
        var aborted = sweep.GetProperty("aborted").GetInt32();
        aborted.Should().BeInRange(1, 299);
        var continuation = (await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = queue, WaitTimeSeconds = 1 })).Messages.Single();
        continuation.Body.Should().Contain("\"keyMarker\"").And.Contain(bucket);
        (await Seeder.UploadIdsAsync(bucket)).Should().HaveCount(300 - aborted, "what the tick did not reach waits for its continuation");
    }

    [Fact]
    public async Task BinaryPing_WhenNotTrustedAndUnsigned_Answers401AndSweepsNothing()
    {
        var (bucket, key, uploadId) = await UploadAsync("tmp/stale.bin");
        await using var host = await HostProcess.StartAsync(Environment(extra: (EnvironmentVariables.SweepTargets, $"{bucket}/tmp/:P1D")));

        var (status, result) = await host.SendAsync(BinaryCloudEvent("{}"));

        status.Should().Be(401);
        result.GetProperty("error").GetString().Should().Contain("CLOUDEVENTS_TRUSTED=true");
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task BinaryEvent_WhenNotTrustedButSigned_RunsTheRequestInItsData()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());
        var data = AbortRequest(bucket, key, uploadId);

        var (status, result) = await host.SendAsync(BinaryCloudEvent(data, type: "com.example.uploads.expired").Signed(data));

        status.Should().Be(200);
        result.Outcome().Should().Be("aborted");
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull();
    }

    [Fact]
    public async Task BinaryEvent_WithoutAnId_Answers400NamingTheAttribute()
    {
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (status, result) = await host.SendAsync(BinaryCloudEvent("", id: null));

        status.Should().Be(400);
        result.GetProperty("error").GetString().Should().Contain("not a valid CloudEvent").And.Contain("id");
    }

    [Fact]
    public async Task StructuredEvent_WhenTrusted_RunsTheRequestInItsData()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (status, result) = await host.SendAsync(Post("/", StructuredCloudEvent(AbortRequest(bucket, key, uploadId)), "application/cloudevents+json; charset=utf-8"));

        status.Should().Be(200);
        result.Outcome().Should().Be("aborted");
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull();
    }

    [Fact]
    public async Task StructuredEvent_WhenNotTrustedAndUnsigned_Answers401AndTouchesNothing()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());

        var (status, _) = await host.SendAsync(Post("/", StructuredCloudEvent(AbortRequest(bucket, key, uploadId)), "application/cloudevents+json"));

        status.Should().Be(401);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task StructuredEvent_WhenNotTrustedButSigned_RunsTheRequestInItsData()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());
        var body = StructuredCloudEvent(AbortRequest(bucket, key, uploadId));

        var (status, result) = await host.SendAsync(Post("/", body, "application/cloudevents+json").Signed(body));

        status.Should().Be(200);
        result.Outcome().Should().Be("aborted");
    }

    [Fact]
    public async Task StructuredEvent_WithDataThatIsNoRequest_Answers400NamingTheProblem()
    {
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));

        var (status, result) = await host.SendAsync(Post("/", StructuredCloudEvent("""{"bucket_name":"some-bucket"}"""), "application/cloudevents+json"));

        status.Should().Be(400);
        result.GetProperty("results")[0].GetProperty("message").GetString().Should().Contain("names no upload");
    }
}
