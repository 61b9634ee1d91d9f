namespace MultipartAbort.Core.Ports;

/// <summary>One pending request in a retry ledger: its name in the store and when it is due.</summary>
public sealed record LedgerEntry(string Name, DateTimeOffset Due);
