namespace MultipartAbort.Core.Ports;

/// <summary>A bucket's lifecycle rules as the abort-incomplete-uploads action sees them (GetBucketLifecycleConfiguration).</summary>
public interface ILifecycleRules
{
    /// <summary>Every rule of the bucket (none without a configuration); throws <see cref="StoreException"/> when the read is refused.</summary>
    Task<IReadOnlyList<LifecycleAbortRule>> ReadAbortRulesAsync(string bucket, CancellationToken cancellationToken);

    /// <summary>How the store aborts incomplete uploads by itself, rules or not; null when it does not or is not recognised (known once it has answered).</summary>
    StoreReaping? ReapsByItself { get; }
}

/// <summary>A store's own expiry of incomplete uploads (MinIO's <c>stale_uploads_expiry</c>): what does it, and how long after an upload began.</summary>
public sealed record StoreReaping(string By, TimeSpan After);

/// <summary>
/// One lifecycle rule, reduced to what decides whether it aborts an incomplete upload: its status, its prefix scope, whether
/// tags or sizes also filter it (an upload has neither, and S3 refuses the action there), and its
/// AbortIncompleteMultipartUpload days (null: the rule has no such action, e.g. expiration only).
/// </summary>
public sealed record LifecycleAbortRule(string? Id, bool Enabled, string Prefix, bool Filtered, int? Days)
{
    /// <summary>True when the rule aborts the uploads under its prefix.</summary>
    public bool Aborts => Enabled && !Filtered && Days is > 0;

    /// <summary>
    /// What a bucket's rules do for every upload: the whole-bucket rule that aborts soonest, if any, and the enabled rules
    /// with the action (a prefix scope, or a tag or size filter, which aborts no upload), named by <see cref="Describe"/>.
    /// </summary>
    public static (LifecycleAbortRule? Whole, LifecycleAbortRule[] WithAction) Audit(IEnumerable<LifecycleAbortRule> rules)
    {
        var withAction = rules.Where(r => r.Enabled && r.Days is > 0).ToArray();
        return (withAction.Where(r => r.Aborts && r.Prefix == "").MinBy(r => r.Days), withAction);
    }

    public static string Describe(IEnumerable<LifecycleAbortRule> rules) =>
        string.Join(", ", rules.Select(r => r.Filtered ? $"rule '{r.Id}' (tags or sizes: aborts no upload)" : $"'{r.Prefix}'"));
}
