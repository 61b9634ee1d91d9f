using Amazon.SQS;
using Amazon.SQS.Model;

namespace MultipartAbort.Adapters;

/// <summary><c>DelaySeconds</c> carries the re-queue delay (at most 15 minutes).</summary>
public sealed class SqsMessageQueue(IAmazonSQS sqs, string queueUrl) : IMessageQueue
{
    public string Address => queueUrl;

    // Tests read its region.
    internal IAmazonSQS Client => sqs;

    public async Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest
        {
            QueueUrl = queueUrl,
            MessageBody = body,
            DelaySeconds = (int)Math.Clamp(Math.Ceiling(delay.TotalSeconds), 0, 900),
        };
        try
        {
            await sqs.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (QueueFailure.Translate(queueUrl, ex, cancellationToken) is { } translated)
        {
            // SQS throttling (a 400 ThrottlingException) is transient; FailureKind classifies it.
            throw translated;
        }
    }
}
