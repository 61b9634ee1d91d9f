namespace MultipartAbort.Core.Model;

/// <summary>Thread-safe counts by outcome, with parts remaining and bytes reclaimed.</summary>
public sealed class OutcomeCounts
{
    private readonly long[] _byOutcome = new long[AbortOutcomeNames.All.Count];
    private long _partsRemaining;
    private long _bytesReclaimed;

    public long this[AbortOutcome outcome] => Interlocked.Read(ref _byOutcome[(int)outcome]);
    public long PartsRemaining => Interlocked.Read(ref _partsRemaining);
    public long BytesReclaimed => Interlocked.Read(ref _bytesReclaimed);
    public long Total => AbortOutcomeNames.All.Sum(o => this[o]);

    public bool AllSucceeded => AbortOutcomeNames.All.Where(o => !o.IsSuccess()).All(o => this[o] == 0);

    public void Add(AbortResult result)
    {
        Interlocked.Increment(ref _byOutcome[(int)result.Outcome]);
        Interlocked.Add(ref _partsRemaining, result.PartsRemaining);
        if (result.BytesReclaimed is { } bytes)
            Interlocked.Add(ref _bytesReclaimed, bytes);
    }

    public void Add(OutcomeCounts other)
    {
        foreach (var o in AbortOutcomeNames.All)
            Interlocked.Add(ref _byOutcome[(int)o], other[o]);
        Interlocked.Add(ref _partsRemaining, other.PartsRemaining);
        Interlocked.Add(ref _bytesReclaimed, other.BytesReclaimed);
    }
}
