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
        catch (AmazonServiceException ex) when (ex.StatusCode != 0 || !string.IsNullOrEmpty(ex.ErrorCode))
        {
            // SQS throttling (400 ThrottlingException / RequestThrottled) is transient, not a refusal.
            throw new QueueException(queueUrl, $"{ex.ErrorCode}: {ex.Message}", FailureKind.IsTransientServiceError((int)ex.StatusCode, ex.ErrorCode), ex.ErrorCode, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Whatever else the SDK throws becomes a QueueException classified by what it is; nothing escapes the port.
            var transient = ex is OperationCanceledException || FailureKind.IsNetworkFailure(ex);
            var what = transient ? ex.Message : $"{(ex is AmazonClientException ? "rejected by the SDK before sending" : "unexpected " + ex.GetType().Name)}: {ex.Message}";
            throw new QueueException(queueUrl, what, transient, null, ex);
        }
    }
}
