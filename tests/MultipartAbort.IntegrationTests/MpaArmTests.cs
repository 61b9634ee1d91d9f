using System.Diagnostics;
using System.Text.Json;
using Amazon.SQS.Model;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary><c>mpa arm</c> as a process against moto: a timer by hand lands in SQS, or runs at once when already due.</summary>
[Collection(MotoCollection.Name)]
public sealed class MpaArmTests(MotoServer moto)
{
    private async Task<(int Code, string Stdout, string Stderr)> Mpa((string, string?)[] env, params string[] args)
    {
        var run = await MpaProcess.RunAsync(moto.FunctionEnvironment(env), args);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    [Fact]
    public async Task Arm_WithTtl_SendsTheTimerToTheRetryQueue_DelayedBySqs()
    {
        using var sqs = moto.CreateSqsClient();
        var queue = (await sqs.CreateQueueAsync($"arm-{Guid.NewGuid():N}")).QueueUrl;

        var (code, stdout, stderr) = await Mpa([("RETRY_QUEUE_URL", queue)], "arm", "--bucket", "bkt", "--key", "k", "--upload-id", "u-1", "--ttl", "PT2H", "--json");

        code.Should().Be(0, stderr);
        var result = JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("requeued");
        result.GetProperty("message").GetString().Should().Contain("armed by mpa arm").And.Contain("with a delay of 900 s");
        var counts = (await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queue, AttributeNames = ["All"] })).Attributes;
        counts["ApproximateNumberOfMessagesDelayed"].Should().Be("1");
    }

    [Fact]
    public async Task Arm_AlreadyDueWithoutUploadId_AbortsTheKeysUploadsAtOnce()
    {
        using var sqs = moto.CreateSqsClient();
        var queue = (await sqs.CreateQueueAsync($"arm-{Guid.NewGuid():N}")).QueueUrl;
        using var s3 = moto.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var upload = await seeder.UploadAsync(bucket, "data/k.bin", parts: 2);
        var other = await seeder.UploadAsync(bucket, "data/k.bin.other", parts: 1);

        var (code, stdout, stderr) = await Mpa([("RETRY_QUEUE_URL", queue)], "arm", "--bucket", bucket, "--key", "data/k.bin", "--not-before", "2020-01-01T00:00:00Z", "--json");

        code.Should().Be(0, stderr);
        JsonDocument.Parse(stdout).RootElement.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
        (await seeder.PartCountAsync(bucket, "data/k.bin", upload)).Should().BeNull();
        (await seeder.PartCountAsync(bucket, "data/k.bin.other", other)).Should().Be(1, "only exactly the named key is timed");
    }

    [Fact]
    public async Task Arm_WithoutRetryQueue_ExitsThreeNamingTheVariable()
    {
        var (code, stdout, stderr) = await Mpa([], "arm", "--bucket", "bkt", "--key", "k", "--ttl", "PT1H");

        code.Should().Be(3);
        stderr.Should().Contain("RETRY_QUEUE_URL is not set");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Arm_WithBothTtlAndNotBefore_IsAUsageError()
    {
        var (code, _, stderr) = await Mpa([], "arm", "--bucket", "bkt", "--key", "k", "--ttl", "PT1H", "--not-before", "2026-01-01T00:00:00Z");

        code.Should().Be(2);
        stderr.Should().Contain("give exactly one of --ttl or --not-before");
    }
}
