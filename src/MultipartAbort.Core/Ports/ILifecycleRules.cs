namespace MultipartAbort.Core.Ports;

/// <summary>A bucket's lifecycle rules as the abort-incomplete-uploads action sees them.</summary>
public interface ILifecycleRules
{
    // None without a configuration; throws when the read is refused.
    Task<IReadOnlyList<LifecycleAbortRule>> ReadAbortRulesAsync(string bucket, CancellationToken cancellationToken);

    // Adds or shortens the one rule for prefix, keeping every other rule as it is; the merge is the adapter's, so no field is lost.
    Task<LifecycleApplied> ApplyAbortRuleAsync(string bucket, int days, string prefix, bool write, CancellationToken cancellationToken);

    // Rules or not; null when the store does not reap or is not recognised (known once it has answered).
    StoreReaping? ReapsByItself { get; }
}

// Status: applied, unchanged, would-apply, conflict, unverified (or error, refused from the caller). Rules as BucketLifecycle.Describe writes them.
public sealed record LifecycleApplied(string Bucket, string Status, string What, IReadOnlyList<string> Before, IReadOnlyList<string> After);

// MinIO's stale_uploads_expiry: what does it, and how long after an upload began.
public sealed record StoreReaping(string By, TimeSpan After);

// Tags or sizes also filtering it abort no upload (an upload has neither, and S3 refuses the action there).
// Days is null when the rule has no such action (expiration only).
public sealed record LifecycleAbortRule(string? Id, bool Enabled, string Prefix, bool Filtered, int? Days)
{
    public bool Aborts => Enabled && !Filtered && Days is > 0;

    // The whole-bucket rule that aborts soonest, and the enabled rules with the action, named by Describe.
    public static (LifecycleAbortRule? Whole, LifecycleAbortRule[] WithAction) Audit(IEnumerable<LifecycleAbortRule> rules)
    {
        var withAction = rules.Where(r => r.Enabled && r.Days is > 0).ToArray();
        return (withAction.Where(r => r.Aborts && r.Prefix == "").MinBy(r => r.Days), withAction);
    }

    public static string Describe(IEnumerable<LifecycleAbortRule> rules) =>
        string.Join(", ", rules.Select(r => r.Filtered ? $"rule '{r.Id}' (tags or sizes: aborts no upload)" : $"'{r.Prefix}'"));
}
