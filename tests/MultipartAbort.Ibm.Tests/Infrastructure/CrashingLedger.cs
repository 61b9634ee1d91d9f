using MultipartAbort.Core.Ports;

namespace MultipartAbort.Ibm.Tests.Infrastructure;

/// <summary>The real ledger, except that the process "dies" when it comes to deleting an entry: what a crash between processing and delete leaves behind.</summary>
public sealed class CrashingLedger(IRetryLedger inner) : IRetryLedger
{
    public string Address => inner.Address;

    public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken) => inner.SendAsync(body, delay, cancellationToken);

    public IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ListDueAsync(now, cancellationToken);

    public Task<byte[]?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken) => inner.ReadAsync(entry, cancellationToken);

    public Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken) => throw new SimulatedCrashException();

    public Task PostponeAsync(LedgerEntry entry, string body, DateTimeOffset due, CancellationToken cancellationToken) => inner.PostponeAsync(entry, body, due, cancellationToken);

    public IMessageQueue CountingFrom(DateTimeOffset origin) => inner.CountingFrom(origin);

    public sealed class SimulatedCrashException() : Exception("the process died before deleting the entry");
}
