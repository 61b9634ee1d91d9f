using MultipartAbort.Adapters;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// Which failures the SDK retries inside a call and which it hands back, on the S3 client the composition root
/// builds, against moto through the loopback proxy: a load refusal must reach the workflow's limiter at once (the
/// limiter cuts the load and sends it again), while a server error or a reset is the SDK's to retry.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class SdkRetryTests(MotoServer moto) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _s3 = moto.CreateS3Client();
    private StoreSeeder Seeder => new(_s3);

    public void Dispose() => _s3.Dispose();

    private async Task<(UploadRef Upload, LoopbackS3Proxy Proxy)> ArrangeAsync(InjectedFault fault)
    {
        var bucket = await Seeder.BucketAsync();
        var upload = new UploadRef(bucket, "r/a.bin", await Seeder.UploadAsync(bucket, "r/a.bin", parts: 1));
        var once = new FaultRule(fault, e => e.IsAbort) { Times = 1 };
        return (upload, await LoopbackS3Proxy.StartAsync(moto.Endpoint, new FaultInjection().Add(once)));
    }

    private Settings SettingsFor(LoopbackS3Proxy proxy, params (string, string?)[] env) =>
        Settings.Load(new DictionaryEnvironment(moto.FunctionEnvironment([(EnvironmentVariables.CosEndpoint, proxy.Endpoint.ToString()), .. env])));

    [Theory]
    [InlineData(InjectedFault.SlowDown)]
    [InlineData(InjectedFault.ServiceUnavailable)]
    public async Task Abort_RefusedForLoad_ComesBackAfterOneRequestAsThrottling(InjectedFault fault)
    {
        var (upload, proxy) = await ArrangeAsync(fault);
        await using var _ = proxy;
        using var client = AwsClients.CreateS3(SettingsFor(proxy));

        var refused = await FluentActions.Awaiting(() => new S3ObjectStore(client).AbortAsync(upload, CancellationToken.None)).Should().ThrowAsync<StoreException>();

        refused.Which.IsThrottling.Should().BeTrue();
        proxy.AbortsByUploadId[upload.UploadId].Should().Be(1, "the SDK must not retry a refusal with the limiter's slot held");
        (await Seeder.UploadIdsAsync(upload.Bucket)).Should().Contain(upload.UploadId);
    }

    [Theory]
    [InlineData(InjectedFault.InternalError)]
    [InlineData(InjectedFault.ConnectionReset)]
    public async Task Abort_WithAServerErrorOrAReset_IsRetriedByTheSdk(InjectedFault fault)
    {
        var (upload, proxy) = await ArrangeAsync(fault);
        await using var _ = proxy;
        using var client = AwsClients.CreateS3(SettingsFor(proxy));

        var status = await new S3ObjectStore(client).AbortAsync(upload, CancellationToken.None);

        status.Should().Be(StoreStatus.Ok);
        proxy.AbortsByUploadId[upload.UploadId].Should().Be(2, "one failed, the SDK's retry went through");
        (await Seeder.UploadIdsAsync(upload.Bucket)).Should().BeEmpty();
    }

    [Fact]
    public async Task Abort_RefusedOnce_IsCountedByTheLimiterAndSentAgainByTheWorkflow()
    {
        var (upload, proxy) = await ArrangeAsync(InjectedFault.SlowDown);
        await using var _ = proxy;
        var services = ServiceComposition.Create(
            new DictionaryEnvironment(moto.FunctionEnvironment((EnvironmentVariables.CosEndpoint, proxy.Endpoint.ToString()))),
            TextWriter.Null
        );

        var result = await services.Requests.RunAsync(new UploadsPayload([ParsedUpload.Valid(new AbortRequest(upload.Bucket, upload.Key, upload.UploadId))]), AbortOptions.Direct, services.Begin(null, CancellationToken.None));

        result.Results.Single().Outcome.Should().Be(AbortOutcome.Aborted);
        services.Concurrency.Drops.Should().Be(1);
        proxy.AbortsByUploadId[upload.UploadId].Should().Be(2);
    }
}
