using MultipartAbort.Adapters.Ledger;

namespace MultipartAbort.Adapters;

/// <summary>For <c>mpa dlq</c>; the function never receives, so this is not a Core port.</summary>
public interface IQueueInbox
{
    /// <summary>A URL, never a credential.</summary>
    string Address { get; }

    /// <summary>At most 10.</summary>
    Task<IReadOnlyList<InboxMessage>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken);

    Task DeleteAsync(InboxMessage message, CancellationToken cancellationToken);

    /// <summary>Visible again at once: a listing leaves the queue as it found it.</summary>
    Task ReleaseAsync(InboxMessage message, CancellationToken cancellationToken);
}

/// <param name="ReceiveCount">This time included.</param>
/// <param name="Attributes">EventBridge's dead-letter copies carry ERROR_CODE, ERROR_MESSAGE, RULE_ARN.</param>
public sealed record InboxMessage(
    string MessageId,
    string Body,
    string ReceiptHandle,
    int ReceiveCount,
    DateTimeOffset? SentAt,
    IReadOnlyDictionary<string, string> Attributes
);

/// <summary>Built here so that hosts never construct adapters themselves.</summary>
public static class QueueInboxes
{
    /// <summary>A <c>cos://</c> ledger is read on the store client the configured ledgers use.</summary>
    public static bool TryOpen(string url, Settings settings, QueuePair queues, out IQueueInbox inbox, out string problem)
    {
        inbox = null!;
        problem = "";
        if (!CosLocation.IsCosUrl(url))
        {
            inbox = new SqsQueueInbox(AwsClients.CreateSqs(settings, url), url);
            return true;
        }
        if (!CosLocation.TryParse(url, out var location, out var error))
        {
            problem = $"--queue {error}; got '{url}'";
            return false;
        }
        if ((queues.DeadLetter as CosLedger ?? queues.Retry as CosLedger) is { } ledger)
        {
            inbox = new CosLedgerInbox(ledger.At(location));
            return true;
        }
        if (settings.Credentials.Kind == CredentialKind.IbmApiKey)
        {
            problem = $"reading {url} with COS_API_KEY needs a cos:// {EnvironmentVariables.RetryQueueUrl} or {EnvironmentVariables.DeadLetterQueueUrl} (their store client is used)";
            return false;
        }
        inbox = new CosLedgerInbox(new CosLedger(AwsClients.CreateS3(settings), location, TimeProvider.System));
        return true;
    }
}
