namespace MultipartAbort.Core.Fleet;

/// <summary>Which buckets a run covers (names, globs, or all), always within ALLOWED_BUCKETS.</summary>
public sealed class BucketSelector(IBucketDirectory? directory, AccessPolicy access)
{
    public static bool IsGlob(string name) => name.AsSpan().IndexOfAny('*', '?') >= 0;

    // One bucket named alone is not a fleet: it answers with its own error and shape.
    public static bool IsFleet(IReadOnlyList<string> names, bool all) => all || names.Count != 1 || IsGlob(names[0]);

    internal async Task<BucketSelection> SelectAsync(IReadOnlyList<string> names, bool all, CancellationToken ct)
    {
        var buckets = new SortedSet<string>(StringComparer.Ordinal);
        var refused = new List<RefusedBucket>();
        // ALLOWED_PREFIXES is for each command to check against its own prefix.
        foreach (var name in names.Where(n => !IsGlob(n)))
        {
            if (!access.IsBucketAllowed(name))
                refused.Add(new RefusedBucket(name, $"bucket '{name}' is not in ALLOWED_BUCKETS", Listed: false));
            else
                buckets.Add(name);
        }
        var globs = names.Where(IsGlob).ToArray();
        if (globs.Length == 0 && !all)
            return new BucketSelection([.. buckets], refused);
        IReadOnlyList<string> listed;
        try
        {
            listed = directory is null
                ? throw new StoreException("ListBuckets", "this store cannot list its buckets", false)
                : await directory.ListBucketsAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StoreException || (ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            // Named, never thrown, so what the run did still reaches the answer.
            var why = ex is StoreException ? ex.Message : "ListBuckets was cut off: the invocation's time ran out";
            refused.Add(new RefusedBucket(all ? "*" : string.Join(",", globs), why, Listed: true));
            return new BucketSelection([.. buckets], refused);
        }
        var matchers = new AccessPolicy(globs, null);
        foreach (var name in listed.Where(n => access.IsBucketAllowed(n) && (all || matchers.IsBucketAllowed(n))))
            buckets.Add(name);
        return new BucketSelection([.. buckets], refused);
    }
}

public sealed record BucketSelection(IReadOnlyList<string> Buckets, IReadOnlyList<RefusedBucket> Refused);

public sealed record RefusedBucket(string Bucket, string Error, bool Listed);
