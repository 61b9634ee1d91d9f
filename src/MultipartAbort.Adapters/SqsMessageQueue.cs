using Amazon.SQS;
using Amazon.SQS.Model;

namespace MultipartAbort.Adapters;

/// <summary><c>DelaySeconds</c> carries the re-queue delay (at most 15 minutes).</summary>
public sealed class SqsMessageQueue(IAmazonSQS sqs, string queueUrl) : IMessageQueue
{
    public string Address => queueUrl;

    // Tests read its region.
    internal IAmazonSQS Client => sqs;

    // SQS throttling (a 400 ThrottlingException) is transient; FailureKind classifies it.
    public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest
        {
            QueueUrl = queueUrl,
            MessageBody = body,
            DelaySeconds = (int)Math.Clamp(Math.Ceiling(delay.TotalSeconds), 0, 900),
        };
        return FailureKind.QueueCallAsync(queueUrl, () => sqs.SendMessageAsync(request, cancellationToken), cancellationToken);
    }
}
