namespace MultipartAbort.Adapters.Lifecycle;

// LifecycleRule.Prefix is legacy, but buckets still carry such rules and a merge must keep them exactly.
#pragma warning disable CS0618

/// <summary>The PUT replaces the whole configuration, so the merge re-reads before writing and verifies after.</summary>
public sealed class BucketLifecycle(IAmazonS3 s3)
{
    public const string RuleId = "abort-incomplete-multipart-uploads";

    /// <summary>None when the bucket has no configuration.</summary>
    public async Task<IReadOnlyList<LifecycleRule>> ReadAsync(string bucket, CancellationToken ct)
    {
        try
        {
            var request = new GetLifecycleConfigurationRequest { BucketName = bucket };
            var response = await S3ObjectStore.CallAsync("GetBucketLifecycleConfiguration", () => s3.GetLifecycleConfigurationAsync(request, ct), ct).ConfigureAwait(false);
            return response.Configuration?.Rules ?? [];
        }
        catch (StoreException ex) when (ex.ErrorCode == "NoSuchLifecycleConfiguration")
        {
            return [];
        }
    }

    /// <summary>Content-MD5 is added under the SDK (<see cref="StoreHeadersHandler"/>).</summary>
    public Task WriteAsync(string bucket, IReadOnlyList<LifecycleRule> rules, CancellationToken ct)
    {
        var request = new PutLifecycleConfigurationRequest { BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = [.. rules] } };
        return S3ObjectStore.CallAsync("PutBucketLifecycleConfiguration", () => s3.PutLifecycleConfigurationAsync(request, ct), ct);
    }

    /// <summary>S3 has no conditional lifecycle write: re-reading before writing narrows the race to milliseconds.</summary>
    public async Task<LifecycleApplied> ApplyAsync(string bucket, int days, string prefix, bool write, CancellationToken ct)
    {
        var read = await ReadAsync(bucket, ct).ConfigureAwait(false);
        var change = Merge(read, days, prefix);
        var before = read.Select(Describe).ToArray();
        if (!change.Changes || !write)
            return new(bucket, change.Changes ? "would-apply" : "unchanged", change.What, before, [.. change.After.Select(Describe)]);
        var again = (await ReadAsync(bucket, ct).ConfigureAwait(false)).Select(Describe).ToArray();
        if (!again.SequenceEqual(before))
            return new(bucket, "conflict", "the configuration changed since it was read; nothing was written: run it again", before, again);
        await WriteAsync(bucket, change.After, ct).ConfigureAwait(false);
        var readBack = await ReadAsync(bucket, ct).ConfigureAwait(false);
        var verified = AbortRules(readBack).Any(r => r.Aborts && r.Prefix == prefix && r.Days <= days);
        return verified
            ? new(bucket, "applied", change.What + "; read back: the rule is there", before, [.. readBack.Select(Describe)])
            : new(bucket, "unverified", change.What + "; but reading it back does not show the rule", before, [.. readBack.Select(Describe)]);
    }

    /// <summary>The one reading of rules the report and <c>lifecycle check</c> share.</summary>
    public static IReadOnlyList<LifecycleAbortRule> AbortRules(IReadOnlyList<LifecycleRule> rules) =>
        [
            .. rules.Select(r =>
            {
                var prefix = PrefixOnly(r);
                return new LifecycleAbortRule(r.Id, r.Status == LifecycleRuleStatus.Enabled, prefix ?? "", prefix is null, r.AbortIncompleteMultipartUpload?.DaysAfterInitiation);
            }),
        ];

    /// <summary>An exact-prefix rule is shortened, else one is added; never a tag-filtered rule (S3 refuses tags with this action).</summary>
    public static LifecycleChange Merge(IReadOnlyList<LifecycleRule> rules, int days, string prefix)
    {
        if (days < 1)
            throw new ArgumentOutOfRangeException(nameof(days), days, "DaysAfterInitiation must be 1 or more");
        var same = rules
            .Where(r => r.Status == LifecycleRuleStatus.Enabled && r.AbortIncompleteMultipartUpload?.DaysAfterInitiation is > 0 && PrefixOnly(r) == prefix)
            .MinBy(r => r.AbortIncompleteMultipartUpload!.DaysAfterInitiation);
        if (same is not null && same.AbortIncompleteMultipartUpload!.DaysAfterInitiation <= days)
            return new LifecycleChange(rules, rules, $"rule '{same.Id}' already aborts incomplete uploads after {same.AbortIncompleteMultipartUpload.DaysAfterInitiation} days");
        if (same is not null)
        {
            var shortened = rules.Select(r => ReferenceEquals(r, same) ? Copy(r, days) : r).ToArray();
            return new LifecycleChange(rules, shortened, $"rule '{same.Id}' shortened from {same.AbortIncompleteMultipartUpload!.DaysAfterInitiation} to {days} days");
        }
        // An id is at most 255 characters: cut before making it unique, so the one written is the one checked.
        var wanted = RuleId + (prefix.Length == 0 ? "" : "-" + prefix.TrimEnd('/').Replace('/', '-'));
        var id = wanted[..Math.Min(wanted.Length, 255)];
        for (var n = 2; rules.Any(r => r.Id == id); n++)
            id = $"{RuleId}-{n}";
        var added = new LifecycleRule
        {
            Id = id,
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = prefix } },
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = days },
        };
        return new LifecycleChange(rules, [.. rules, added], $"rule '{added.Id}' added: abort incomplete uploads{(prefix.Length == 0 ? "" : $" under '{prefix}'")} after {days} days");
    }

    /// <summary>The whole bucket: ""; null when tags, sizes or an And filter it.</summary>
    public static string? PrefixOnly(LifecycleRule rule)
    {
        var filter = rule.Filter;
        if (filter is null)
            return rule.Prefix ?? "";
        if (filter.Tag is not null || filter.And is not null || filter.ObjectSizeGreaterThan is not null || filter.ObjectSizeLessThan is not null)
            return null;
        return filter.LifecycleFilterPredicate switch
        {
            null => filter.Prefix ?? rule.Prefix ?? "",
            LifecyclePrefixPredicate p => p.Prefix ?? "",
            _ => null,
        };
    }

    /// <summary>Every field in a fixed order: what a change and a diff are judged by.</summary>
    public static string Describe(LifecycleRule r)
    {
        var s = new StringBuilder();
        void Add(string name, object? value)
        {
            if (value is null)
                return;
            s.Append(s.Length == 0 ? "" : " ").Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
        Add("id", r.Id);
        Add("status", r.Status?.Value);
        Add("prefix", r.Prefix);
        Add("filter", r.Filter is { } f ? Filter(f) : null);
        Add("abort-incomplete-days", r.AbortIncompleteMultipartUpload?.DaysAfterInitiation);
        if (r.Expiration is { } e)
            Add("expiration", $"days:{e.Days},date:{e.Date:O},expired-delete-marker:{e.ExpiredObjectDeleteMarker}");
        foreach (var t in r.Transitions ?? [])
            Add("transition", $"days:{t.Days},date:{t.Date:O},class:{t.StorageClass?.Value}");
        foreach (var t in r.NoncurrentVersionTransitions ?? [])
            Add("noncurrent-transition", $"days:{t.NoncurrentDays},newer:{t.NewerNoncurrentVersions},class:{t.StorageClass?.Value}");
        if (r.NoncurrentVersionExpiration is { } n)
            Add("noncurrent-expiration", $"days:{n.NoncurrentDays},newer:{n.NewerNoncurrentVersions}");
        return s.ToString();
    }

    private static string Filter(LifecycleFilter f)
    {
        var parts = new List<string>();
        if (f.Prefix is not null)
            parts.Add($"prefix:{f.Prefix}");
        if (f.Tag is { } tag)
            parts.Add($"tag:{tag.Key}={tag.Value}");
        if (f.ObjectSizeGreaterThan is { } gt)
            parts.Add($"size>{gt}");
        if (f.ObjectSizeLessThan is { } lt)
            parts.Add($"size<{lt}");
        if (f.And is { } and)
            parts.Add($"and({and.Prefix};{string.Join(";", (and.Tags ?? []).Select(t => $"{t.Key}={t.Value}"))};>{and.ObjectSizeGreaterThan};<{and.ObjectSizeLessThan})");
        if (f.LifecycleFilterPredicate is { } p)
            parts.Add(Predicate(p));
        return "{" + string.Join(",", parts) + "}";
    }

    private static string Predicate(LifecycleFilterPredicate p) =>
        p switch
        {
            LifecyclePrefixPredicate prefix => $"prefix:{prefix.Prefix}",
            LifecycleTagPredicate tag => $"tag:{tag.Tag?.Key}={tag.Tag?.Value}",
            LifecycleObjectSizeGreaterThanPredicate gt => $"size>{gt.ObjectSizeGreaterThan}",
            LifecycleObjectSizeLessThanPredicate lt => $"size<{lt.ObjectSizeLessThan}",
            LifecycleAndOperator and => $"and({string.Join(";", (and.Operands ?? []).Select(Predicate))})",
            _ => p.GetType().Name,
        };

    private static LifecycleRule Copy(LifecycleRule r, int days) =>
        new()
        {
            Id = r.Id,
            Status = r.Status,
            Prefix = r.Prefix,
            Filter = r.Filter,
            Expiration = r.Expiration,
            Transitions = r.Transitions,
            NoncurrentVersionTransitions = r.NoncurrentVersionTransitions,
            NoncurrentVersionExpiration = r.NoncurrentVersionExpiration,
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = days },
        };
}

/// <summary>Before and After the same list: nothing to do.</summary>
public sealed record LifecycleChange(IReadOnlyList<LifecycleRule> Before, IReadOnlyList<LifecycleRule> After, string What)
{
    public bool Changes => !ReferenceEquals(Before, After);
}
