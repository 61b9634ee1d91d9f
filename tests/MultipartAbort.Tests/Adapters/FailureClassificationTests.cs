using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using MultipartAbort.Adapters;
using MultipartAbort.Adapters.Ledger;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Tests.Adapters;

/// <summary>
/// One classification for the store, both queues and the ledger, on answers that neither moto nor RGW gives on demand
/// (a throttled SQS, a garbled 200): the real SDK clients, fed by an HTTP handler that always answers the same.
/// </summary>
public sealed class FailureClassificationTests
{
    private sealed class FixedAnswer(HttpStatusCode status, string contentType, string body) : HttpClientFactory
    {
        private sealed class Handler(HttpStatusCode status, string contentType, string body) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType), RequestMessage = request });
        }

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Handler(status, contentType, body));
    }

    private static AmazonSQSClient Sqs(FixedAnswer answer) =>
        new(new BasicAWSCredentials("a", "b"), new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9", HttpClientFactory = answer, MaxErrorRetry = 0 });

    private static AmazonS3Client S3(FixedAnswer answer) =>
        new(new BasicAWSCredentials("a", "b"), new AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true, HttpClientFactory = answer, MaxErrorRetry = 0 });

    private static readonly FixedAnswer SqsThrottled = new(HttpStatusCode.BadRequest, "application/x-amz-json-1.0", """{"__type":"com.amazonaws.sqs#ThrottlingException","message":"Rate exceeded"}""");
    private static readonly FixedAnswer Garbled = new(HttpStatusCode.OK, "application/xml", "<ListBucketResult><Contents><Key>half");

    [Fact]
    public async Task SqsThrottling_IsTransient_OnTheReceivingSideAsOnTheSendingSide()
    {
        using var sqs = Sqs(SqsThrottled);

        var receive = async () => await new SqsQueueInbox(sqs, "http://127.0.0.1:9/q").ReceiveAsync(1, TimeSpan.FromSeconds(30), CancellationToken.None);
        var send = async () => await new SqsMessageQueue(sqs, "http://127.0.0.1:9/q").SendAsync("{}", TimeSpan.Zero, CancellationToken.None);

        (await receive.Should().ThrowAsync<QueueException>()).Which.IsTransient.Should().BeTrue("mpa dlq must not call a throttled SQS a refusal");
        (await send.Should().ThrowAsync<QueueException>()).Which.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task AGarbledAnswer_IsATransientPortError_FromTheLedgerAndFromTheStore()
    {
        using var s3 = S3(Garbled);
        var ledger = new CosLedger(s3, new CosLocation("ledger", "retry/"), TimeProvider.System);

        var drain = async () =>
        {
            await foreach (var _ in ledger.ListDueAsync(DateTimeOffset.UtcNow, CancellationToken.None)) { }
        };
        var list = async () => await new S3ObjectStore(s3).ListUploadsAsync(new UploadListing("bucket"), CancellationToken.None);

        (await drain.Should().ThrowAsync<QueueException>()).Which.IsTransient.Should().BeTrue("a garbled answer can be read next time; it must not fail the HTTP tick");
        (await list.Should().ThrowAsync<StoreException>()).Which.IsTransient.Should().BeTrue();
    }
}
