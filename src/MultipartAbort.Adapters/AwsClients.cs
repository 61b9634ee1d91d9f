using Amazon;
using Amazon.SQS;
using MultipartAbort.Adapters.Iam;
using MultipartAbort.Adapters.Ledger;

namespace MultipartAbort.Adapters;

/// <summary>Built once per process.</summary>
public static class AwsClients
{
    /// <summary>With <paramref name="iamTokens"/>, bearer tokens instead of SigV4.</summary>
    public static IAmazonS3 CreateS3(Settings settings, IamTokenProvider? iamTokens = null)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            // COS and older S3-compatible servers reject the new default CRC checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // Standard retries for transient errors; load refusals are left to the workflow's limiter (ThrottleAwareS3Client).
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 3,
            RetryMode = RequestRetryMode.Standard,
        };
        if (settings.CosEndpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = settings.CosRegion;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.CosRegion);
        }

        var kind = settings.Credentials.Kind;
        var bearer = kind == CredentialKind.IbmApiKey ? iamTokens ?? throw new ArgumentNullException(nameof(iamTokens), "an IBM API key needs an IAM token provider") : null;
        config.HttpClientFactory = new StoreHttpClientFactory(bearer, settings.CosServiceInstanceId);
        return kind switch
        {
            CredentialKind.Hmac => new ThrottleAwareS3Client(new BasicAWSCredentials(settings.Credentials.AccessKeyId, settings.Credentials.SecretValue!.Reveal()), config),
            // Anonymous: the SDK signs nothing, the HTTP pipeline adds Authorization: Bearer.
            CredentialKind.IbmApiKey => new ThrottleAwareS3Client(new AnonymousAWSCredentials(), config),
            _ => new ThrottleAwareS3Client(config),
        };
    }

    public static IAmazonSQS CreateSqs(Settings settings, string queueUrl)
    {
        var config = new AmazonSQSConfig { Timeout = TimeSpan.FromSeconds(20), MaxErrorRetry = 3, RetryMode = RequestRetryMode.Standard };
        if (settings.SqsEndpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = settings.CosRegion;
        }
        else if (RegionOf(queueUrl) is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return new AmazonSQSClient(config);
    }

    /// <summary>cos:// ledgers on <paramref name="s3"/>, or SQS with one client per region.</summary>
    public static QueuePair CreateQueues(Settings settings, IAmazonS3? s3 = null, TimeProvider? time = null)
    {
        var sqs = new Dictionary<string, IAmazonSQS>(StringComparer.Ordinal);
        IMessageQueue? Queue(string? url, CosLocation? ledger)
        {
            if (ledger is not null)
                return new CosLedger(s3 ??= CreateS3(settings), ledger, time ?? TimeProvider.System);
            if (url is null)
                return null;
            var region = RegionOf(url) ?? "";
            if (!sqs.TryGetValue(region, out var client))
                sqs[region] = client = CreateSqs(settings, url);
            return new SqsMessageQueue(client, url);
        }
        return new QueuePair(Queue(settings.RetryQueueUrl, settings.RetryLedger), Queue(settings.DeadLetterQueueUrl, settings.DeadLetterLedger));
    }

    // us-east-2 from https://sqs.us-east-2.amazonaws.com/123456789012/name.
    internal static string? RegionOf(string queueUrl) =>
        Uri.TryCreate(queueUrl, UriKind.Absolute, out var uri) && uri.Host.Split('.') is [var service, var region, ..] && service == "sqs" && uri.Host.EndsWith(".amazonaws.com", StringComparison.Ordinal)
            ? region
            : null;
}
