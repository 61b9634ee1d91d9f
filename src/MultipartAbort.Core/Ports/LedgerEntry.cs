namespace MultipartAbort.Core.Ports;

// Runs: how many drains have run it unsettled.
public sealed record LedgerEntry(string Name, DateTimeOffset Due, int Runs = 0);
