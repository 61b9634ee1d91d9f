using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Adapters;

/// <summary>A queue port on AWSSDK.SQS; <c>DelaySeconds</c> carries the re-queue delay (at most 15 minutes).</summary>
public sealed class SqsMessageQueue(IAmazonSQS sqs, string queueUrl) : IMessageQueue
{
    public string Address => queueUrl;

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
        catch (AmazonServiceException ex)
        {
            throw new QueueException(queueUrl, $"{ex.ErrorCode}: {ex.Message}", (int)ex.StatusCode >= 500 || ex.StatusCode == 0, ex.ErrorCode, ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new QueueException(queueUrl, ex.Message, true, null, ex);
        }
    }
}
