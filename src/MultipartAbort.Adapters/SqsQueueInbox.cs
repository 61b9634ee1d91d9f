using Amazon.SQS;
using Amazon.SQS.Model;

namespace MultipartAbort.Adapters;

public sealed class SqsQueueInbox(IAmazonSQS sqs, string queueUrl) : IQueueInbox
{
    private const string ReceiveCountAttribute = "ApproximateReceiveCount";
    private const string SentAtAttribute = "SentTimestamp";

    public string Address => queueUrl;

    public async Task<IReadOnlyList<InboxMessage>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var request = new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = Math.Clamp(max, 1, 10),
            VisibilityTimeout = (int)Math.Clamp(Math.Ceiling(visibility.TotalSeconds), 0, 43_200),
            // Long enough to reach messages on other SQS hosts, short enough to end a listing quickly.
            WaitTimeSeconds = 1,
            MessageSystemAttributeNames = [ReceiveCountAttribute, SentAtAttribute],
            MessageAttributeNames = ["All"],
        };
        var response = await FailureKind.QueueCallAsync(queueUrl, () => sqs.ReceiveMessageAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
        return (response.Messages ?? []).Select(ToInbox).ToList();
    }

    public Task DeleteAsync(InboxMessage message, CancellationToken cancellationToken) =>
        FailureKind.QueueCallAsync(queueUrl, () => sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = queueUrl, ReceiptHandle = message.ReceiptHandle }, cancellationToken), cancellationToken);

    public Task ReleaseAsync(InboxMessage message, CancellationToken cancellationToken)
    {
        var request = new ChangeMessageVisibilityRequest { QueueUrl = queueUrl, ReceiptHandle = message.ReceiptHandle, VisibilityTimeout = 0 };
        return FailureKind.QueueCallAsync(queueUrl, () => sqs.ChangeMessageVisibilityAsync(request, cancellationToken), cancellationToken);
    }

    private static InboxMessage ToInbox(Message m)
    {
        var system = m.Attributes ?? [];
        var receives = system.TryGetValue(ReceiveCountAttribute, out var count) && int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1;
        DateTimeOffset? sentAt = system.TryGetValue(SentAtAttribute, out var sent) && long.TryParse(sent, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        var attributes = (m.MessageAttributes ?? [])
            .Where(a => a.Value.StringValue is not null)
            .ToDictionary(a => a.Key, a => a.Value.StringValue, StringComparer.Ordinal);
        return new InboxMessage(m.MessageId, m.Body ?? "", m.ReceiptHandle, receives, sentAt, attributes);
    }
}
