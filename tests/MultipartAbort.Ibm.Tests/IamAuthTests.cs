using Amazon.S3;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Adapters;
using MultipartAbort.Adapters.Iam;
using MultipartAbort.Adapters.Ledger;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Ibm.Tests.Infrastructure;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Ibm.Tests;

/// <summary>
/// COS_API_KEY end to end through the real AWS SDK: a loopback IAM issues tokens on a fake clock, and a loopback
/// "COS" in front of moto lets through only requests with a currently valid bearer token and no SigV4.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class IamAuthTests(MotoServer moto) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly AmazonS3Client _direct = moto.CreateS3Client();
    private readonly StringWriter _log = new();
    private IamTokenServer _iam = null!;
    private BearerCosAuth _cos = null!;
    private LoopbackS3Proxy _proxy = null!;
    private StoreSeeder Seeder => new(_direct);

    public async Task InitializeAsync()
    {
        _iam = await IamTokenServer.StartAsync(_time);
        _cos = new BearerCosAuth(_iam);
        _proxy = await LoopbackS3Proxy.StartAsync(moto.Endpoint, _cos);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _iam.DisposeAsync();
        _direct.Dispose();
    }

    private Dictionary<string, string?> Environment(string apiKey = IamTokenServer.ValidKey) =>
        new()
        {
            [EnvironmentVariables.CosEndpoint] = _proxy.Endpoint.ToString(),
            [EnvironmentVariables.CosApiKey] = apiKey,
            [EnvironmentVariables.IbmIamEndpoint] = _iam.Endpoint.ToString(),
            [EnvironmentVariables.ImmediateReaborts] = "0",
        };

    /// <summary>The store the way the composition root builds it, with the token provider in hand for the clock tests.</summary>
    private (IObjectStore Store, IamTokenProvider Tokens) StoreWithTokens()
    {
        var settings = Settings.Load(new DictionaryEnvironment(Environment()));
        var tokens = new IamTokenProvider(new HttpClient(), settings.IamEndpoint, settings.Credentials.SecretValue!, _time);
        tokens.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (new S3ObjectStore(AwsClients.CreateS3(settings, tokens)), tokens);
    }

    private static UploadRef Ref(string bucket, string key, string uploadId) => new(bucket, key, uploadId);

    [Fact]
    public async Task Gateway_SigV4SignedRequest_IsRefused()
    {
        using var signed = new AmazonS3Client("testing", "testing", new AmazonS3Config { ServiceURL = _proxy.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

        var act = () => signed.ListBucketsAsync();

        (await act.Should().ThrowAsync<AmazonS3Exception>()).Which.ErrorCode.Should().Be("AccessDenied");
        _cos.Refusals.Should().Contain("SigV4-signed");
    }

    [Fact]
    public async Task ApiKey_ManyRequests_OneTokenExchangeAndBearerInsteadOfSigV4()
    {
        var bucket = await Seeder.BucketAsync();
        var uploads = new List<string>();
        for (var i = 0; i < 6; i++)
            uploads.Add(await Seeder.UploadAsync(bucket, $"k{i}", parts: 2));
        var services = ServiceComposition.Create(new DictionaryEnvironment(Environment()), _log, time: _time);
        var batch = new UploadsPayload(uploads.Select((u, i) => ParsedUpload.Valid(new AbortRequest(bucket, $"k{i}", u))).ToArray());

        var result = await services.Requests.RunAsync(batch, AbortOptions.Direct, services.Begin(null, CancellationToken.None));

        result.Results.Select(r => r.Outcome).Should().AllBeEquivalentTo(AbortOutcome.Aborted);
        (await Seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
        _iam.Issued.Should().Be(1);
        _cos.Refusals.Should().BeEmpty("every request carried a valid bearer token and no SigV4");
        _cos.Accepted.Should().BeGreaterThanOrEqualTo(uploads.Count * 2, "each upload was probed, aborted and verified");
        _cos.TokensSeen.Should().ContainSingle();
        _iam.RequestBodies.Should().ContainSingle().Which.Should().Be($"grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey={IamTokenServer.ValidKey}&content-type=application/x-www-form-urlencoded");
        _iam.AcceptHeaders.Should().ContainSingle().Which.Should().Contain("application/json");
        var log = _log.ToString();
        log.Should().NotContain(IamTokenServer.ValidKey);
        log.Should().NotContain(_cos.TokensSeen.Single());
    }

    [Fact]
    public async Task ApiKey_AtEightyPercentOfLifetime_RefreshesBeforeTheTokenExpires()
    {
        var bucket = await Seeder.BucketAsync();
        var (store, tokens) = StoreWithTokens();
        using var _ = tokens;
        await store.ListUploadsAsync(new UploadListing(bucket), CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(47));
        var issuedBefore80Percent = _iam.Issued;
        _time.Advance(TimeSpan.FromMinutes(2)); // past 48 min, 80% of the hour the token lives
        await tokens.BackgroundRefresh;
        var issuedAfter80Percent = _iam.Issued;
        _time.Advance(TimeSpan.FromMinutes(12)); // the first token has expired by now
        var uploadId = await Seeder.UploadAsync(bucket, "late", parts: 1);
        var status = await store.AbortAsync(Ref(bucket, "late", uploadId), CancellationToken.None);

        issuedBefore80Percent.Should().Be(1);
        issuedAfter80Percent.Should().Be(2, "the timer refreshed the token with no request asking for it");
        status.Should().Be(StoreStatus.Ok);
        _iam.Issued.Should().Be(2);
        _cos.Refusals.Should().BeEmpty("the new token was in place before the old one expired");
        _cos.TokensSeen.Should().HaveCount(2);
    }

    [Fact]
    public async Task ApiKey_StoreRefusesAnAgedToken_RefreshesOnceAndRetries()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "k", parts: 1);
        var (store, tokens) = StoreWithTokens();
        using var _ = tokens;

        _time.Advance(TimeSpan.FromMinutes(5));
        _iam.RevokeAll();
        var status = await store.AbortAsync(Ref(bucket, "k", uploadId), CancellationToken.None);

        status.Should().Be(StoreStatus.Ok);
        _cos.Refusals.Should().Equal("token expired or unknown");
        _iam.Issued.Should().Be(2);
        (await Seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    [Fact]
    public async Task ApiKey_StoreRefusesAFreshToken_IsAccessDeniedWithoutAnotherExchange()
    {
        var bucket = await Seeder.BucketAsync();
        var (store, tokens) = StoreWithTokens();
        using var _ = tokens;

        _iam.RevokeAll(); // a token seconds old is not expired: this is what a missing permission looks like
        var act = () => store.ListUploadsAsync(new UploadListing(bucket), CancellationToken.None);

        (await act.Should().ThrowAsync<StoreException>()).Which.ErrorCode.Should().Be("AccessDenied");
        _iam.Issued.Should().Be(1);
        _cos.Refusals.Should().ContainSingle();
    }

    [Fact]
    public async Task ApiKey_LedgerWriteRefusedForAnAgedToken_IsSentAgainWithItsBody()
    {
        var bucket = await Seeder.BucketAsync();
        var settings = Settings.Load(new DictionaryEnvironment(Environment()));
        using var tokens = new IamTokenProvider(new HttpClient(), settings.IamEndpoint, settings.Credentials.SecretValue!, _time);
        await tokens.StartAsync(CancellationToken.None);
        var ledger = new CosLedger(AwsClients.CreateS3(settings, tokens), new CosLocation(bucket, "retry/"), _time);
        var body = MessageJson.AbortRequest(new AbortRequest(bucket, "k", "u") { Attempt = 1 });

        _time.Advance(TimeSpan.FromMinutes(5));
        _iam.RevokeAll();
        await ledger.SendAsync(body, TimeSpan.FromSeconds(30), CancellationToken.None);

        _cos.Refusals.Should().Equal("token expired or unknown");
        var listed = await _direct.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        var entry = listed.S3Objects.Should().ContainSingle().Subject;
        using var get = await _direct.GetObjectAsync(bucket, entry.Key);
        (await new StreamReader(get.ResponseStream).ReadToEndAsync()).Should().Be(body);
    }

    [Fact]
    public void ApiKey_RefusedByIam_StopsStartUpWithIamsMessageAndNotTheKey()
    {
        const string wrongKey = "wrong-key-do-not-print-7f3a";

        var act = () => ServiceComposition.Create(new DictionaryEnvironment(Environment(wrongKey)), _log, time: _time);

        var message = act.Should().Throw<ConfigurationException>().Which.Message;
        message.Should().Contain(EnvironmentVariables.CosApiKey).And.Contain(IamTokenServer.KeyNotFound).And.Contain("BXNIM0415E");
        message.Should().NotContain(wrongKey);
        _log.ToString().Should().NotContain(wrongKey);
        _iam.Refused.Should().Be(1);
    }
}
