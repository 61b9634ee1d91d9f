using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Adapters;

/// <summary>Builds the SDK clients and the ports on them from <see cref="Settings"/>; done once per process.</summary>
public static class AwsClients
{
    public static IAmazonS3 CreateS3(Settings settings)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            // COS and older S3-compatible servers reject the new default CRC checksums: only when an API requires one.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // Transient errors are retried with exponential backoff and full jitter (standard mode), then re-queued by the
            // workflow. The invocation's work cut-off cancels a call still retrying, so 30 s x 4 never outlives it.
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

        return settings.Credentials.Kind == CredentialKind.Hmac
            ? new AmazonS3Client(new BasicAWSCredentials(settings.Credentials.AccessKeyId, settings.Credentials.SecretValue!.Reveal()), config)
            : new AmazonS3Client(config);
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

    /// <summary>The retry and dead-letter queues configured; one SQS client serves both.</summary>
    public static QueuePair CreateQueues(Settings settings)
    {
        var first = settings.RetryQueueUrl ?? settings.DeadLetterQueueUrl;
        if (first is null)
            return QueuePair.None;
        var sqs = CreateSqs(settings, first);
        return new QueuePair(
            settings.RetryQueueUrl is { } retry ? new SqsMessageQueue(sqs, retry) : null,
            settings.DeadLetterQueueUrl is { } dlq ? new SqsMessageQueue(sqs, dlq) : null
        );
    }

    /// <summary>us-east-2 from https://sqs.us-east-2.amazonaws.com/123456789012/name.</summary>
    internal static string? RegionOf(string queueUrl) =>
        Uri.TryCreate(queueUrl, UriKind.Absolute, out var uri) && uri.Host.Split('.') is [var service, var region, ..] && service == "sqs" && uri.Host.EndsWith(".amazonaws.com", StringComparison.Ordinal)
            ? region
            : null;
}
