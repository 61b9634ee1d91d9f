using Amazon.SQS;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Adapters;

public class AwsClientsTests
{
    private static string? RegionOf(MultipartAbort.Core.Ports.IMessageQueue? queue) =>
        ((AmazonSQSClient)((SqsMessageQueue)queue!).Client).Config.RegionEndpoint?.SystemName;

    [Fact]
    public void Queues_InTwoRegions_AreEachCalledInTheirOwnRegion()
    {
        // Issue 22 defect 7: one SQS client was built from the first queue URL's region, so a dead-letter queue in
        // another region was called at the retry queue's endpoint.
        var settings = Settings.Load(
            new DictionaryEnvironment(
                new Dictionary<string, string?>
                {
                    [EnvironmentVariables.RetryQueueUrl] = "https://sqs.us-east-2.amazonaws.com/123456789012/retry",
                    [EnvironmentVariables.DeadLetterQueueUrl] = "https://sqs.eu-west-1.amazonaws.com/123456789012/dead",
                }
            )
        );

        var queues = AwsClients.CreateQueues(settings);

        (RegionOf(queues.Retry), RegionOf(queues.DeadLetter)).Should().Be(("us-east-2", "eu-west-1"));
    }

    [Fact]
    public void Queues_InOneRegion_ShareOneClient()
    {
        var settings = Settings.Load(
            new DictionaryEnvironment(
                new Dictionary<string, string?>
                {
                    [EnvironmentVariables.RetryQueueUrl] = "https://sqs.us-east-2.amazonaws.com/123456789012/retry",
                    [EnvironmentVariables.DeadLetterQueueUrl] = "https://sqs.us-east-2.amazonaws.com/123456789012/dead",
                }
            )
        );

        var queues = AwsClients.CreateQueues(settings);

        ((SqsMessageQueue)queues.Retry!).Client.Should().BeSameAs(((SqsMessageQueue)queues.DeadLetter!).Client);
    }
}
