namespace MultipartAbort.Core.Ports;

/// <summary>One pending request in a retry ledger: its name in the store, when it is due, and how many drains have run it unsettled.</summary>
public sealed record LedgerEntry(string Name, DateTimeOffset Due, int Runs = 0);
