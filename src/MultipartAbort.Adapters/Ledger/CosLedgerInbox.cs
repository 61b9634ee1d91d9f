namespace MultipartAbort.Adapters.Ledger;

/// <summary>Every entry once, in key order; nothing is hidden, so release is a no-op.</summary>
public sealed class CosLedgerInbox(CosLedger ledger) : IQueueInbox
{
    private string? _after;

    public string Address => ledger.Address;

    public async Task<IReadOnlyList<InboxMessage>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken)
    {
        var messages = new List<InboxMessage>();
        var take = Math.Clamp(max, 1, 10);
        await foreach (var (entry, sentAt) in ledger.ListAsync(_after, take, cancellationToken).Take(take).ConfigureAwait(false))
        {
            _after = entry.Name;
            // Gone between the listing and the read: another reader settled it.
            if (await ledger.ReadAsync(entry, cancellationToken).ConfigureAwait(false) is { } bytes)
                messages.Add(new InboxMessage(entry.Name, LedgerText(bytes), entry.Name, entry.Runs + 1, sentAt, new Dictionary<string, string>()));
        }
        return messages;
    }

    public Task DeleteAsync(InboxMessage message, CancellationToken cancellationToken) => ledger.DeleteAsync(new LedgerEntry(message.ReceiptHandle, default), cancellationToken);

    public Task ReleaseAsync(InboxMessage message, CancellationToken cancellationToken) => Task.CompletedTask;

    // Bytes that are not UTF-8 are shown replaced (U+FFFD) and marked so.
    private static string LedgerText(byte[] bytes) =>
        Core.Events.StrictText.Decode(bytes) ?? $"(not valid UTF-8, shown with U+FFFD) {System.Text.Encoding.UTF8.GetString(bytes)}";
}
