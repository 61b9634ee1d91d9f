namespace MultipartAbort.Core.Report;

/// <summary><c>mpa lifecycle check</c>: does an enabled rule abort incomplete uploads, when, for which prefix; <c>apply</c> adds or shortens it.</summary>
internal sealed class LifecycleCheck(FleetScan scan, ILifecycleRules? lifecycle, ReportRunner reports)
{
    public async Task<LifecycleCheckResult> RunAsync(IReadOnlyList<string> buckets, bool allBuckets, int? days, bool uploads, Invocation invocation)
    {
        if (uploads)
        {
            var report = await reports.RunAsync(new ReportRequest { Buckets = buckets, AllBuckets = allBuckets, Top = 0 }, invocation).ConfigureAwait(false);
            return new([.. report.Buckets.Select(b => b.Rules is { } rules ? Audit(b.Bucket, rules, days) with { Uploads = b } : Failed(b.Bucket, b.Error ?? b.LifecycleError!) with { Uploads = b })]);
        }
        var selection = await scan.SelectAsync(buckets, allBuckets, invocation.Work).ConfigureAwait(false);
        var audits = selection.Refused.Select(r => Failed(r.Bucket, r.Error)).ToList();
        foreach (var bucket in selection.Buckets)
        {
            var read = await reports.ReadRulesAsync(bucket, invocation.Work).ConfigureAwait(false);
            audits.Add(read.Rules is { } rules ? Audit(bucket, rules, days) : Failed(bucket, read.Error!));
        }
        return new(audits);
    }

    // --yes does not override DRY_RUN, the deployment's own "change nothing".
    public async Task<LifecycleApplyResult> ApplyAsync(IReadOnlyList<string> buckets, bool allBuckets, int days, string prefix, bool yes, Settings settings, Invocation invocation)
    {
        var write = yes && !settings.DryRun;
        var selection = await scan.SelectAsync(buckets, allBuckets, invocation.Work).ConfigureAwait(false);
        var rows = selection.Refused.Select(r => Unapplied(r.Bucket, "error", r.Error)).ToList();
        foreach (var bucket in selection.Buckets)
            rows.Add(
                // A rule aborts every upload under its prefix: with ALLOWED_PREFIXES set, that prefix must lie inside one.
                settings.Access.CheckSweep(bucket, prefix) is { } notAllowed
                    ? Unapplied(bucket, "refused", $"{notAllowed}; give --prefix inside ALLOWED_PREFIXES")
                    : await ApplyOneAsync(bucket, days, prefix, write, settings.DryRun, invocation.Work).ConfigureAwait(false)
            );
        return new(!write, rows);
    }

    private async Task<LifecycleApplied> ApplyOneAsync(string bucket, int days, string prefix, bool write, bool dryRunSetting, CancellationToken ct)
    {
        if (lifecycle is null)
            return Unapplied(bucket, "error", ReportRunner.NoLifecycleAdapter);
        try
        {
            var applied = await lifecycle.ApplyAbortRuleAsync(bucket, days, prefix, write, ct).ConfigureAwait(false);
            return applied.Status != "would-apply" ? applied
                : applied with { What = applied.What + (dryRunSetting ? " (DRY_RUN is set: nothing written)" : " (dry run: add --yes to write it)") };
        }
        catch (StoreException ex)
        {
            return Unapplied(bucket, "error", ex.Message);
        }
    }

    private static LifecycleApplied Unapplied(string bucket, string status, string why) => new(bucket, status, why, [], []);

    private static LifecycleAudit Failed(string bucket, string error) => new(bucket, "error", null, error);

    // ok or too-long (a whole-bucket rule, against days), partial (only some prefixes), missing.
    internal static LifecycleAudit Audit(string bucket, IReadOnlyList<LifecycleAbortRule> rules, int? days)
    {
        var (whole, withAction) = LifecycleAbortRule.Audit(rules);
        if (whole is not null)
            return days is { } n && whole.Days > n
                ? new(bucket, "too-long", whole, $"after {whole.Days} days, more than --days {n}")
                : new(bucket, "ok", whole, $"after {whole.Days} days");
        return withAction.Length > 0
            ? new(bucket, "partial", withAction.MinBy(r => r.Days), $"only for {LifecycleAbortRule.Describe(withAction)}")
            : new(bucket, "missing", null, "no rule aborts incomplete uploads");
    }
}

public sealed record LifecycleAudit(string Bucket, string Status, LifecycleAbortRule? Rule, string Detail)
{
    public BucketReport? Uploads { get; init; }

    public bool Flagged => Status != "ok";
}

/// <summary><c>mpa lifecycle check</c>'s answer and its JSON (docs/cli.md).</summary>
public sealed record LifecycleCheckResult(IReadOnlyList<LifecycleAudit> Buckets)
{
    public bool Flagged => Buckets.Any(a => a.Flagged);

    public string Json() =>
        ResultJson.Text(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("buckets");
            foreach (var audit in Buckets)
            {
                w.WriteStartObject();
                w.WriteString("bucket", audit.Bucket);
                w.WriteString("status", audit.Status);
                w.WriteBoolean("flagged", audit.Flagged);
                if (audit.Rule is { } rule)
                {
                    w.WriteString("ruleId", rule.Id);
                    w.WriteNumber("days", rule.Days ?? 0);
                    if (!rule.Filtered)
                        w.WriteString("prefix", rule.Prefix);
                }
                w.WriteString("detail", audit.Detail);
                if (audit.Uploads is { } report)
                {
                    w.WriteStartObject("uploads");
                    w.WriteIf("error", report.Error ?? report.LifecycleError);
                    foreach (var (name, figures) in report.Overall.Coverages)
                    {
                        w.WriteStartObject(name);
                        w.WriteNumber("uploads", figures.Uploads);
                        w.WriteNumber("bytes", figures.Bytes);
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("flagged", Buckets.Count(a => a.Flagged));
            w.WriteEndObject();
        });
}

/// <summary><c>mpa lifecycle apply</c>'s answer: one row per bucket, as JSON or as lines with a diff of the rules.</summary>
public sealed record LifecycleApplyResult(bool DryRun, IReadOnlyList<LifecycleApplied> Buckets)
{
    public bool Succeeded => Buckets.All(r => r.Status is "applied" or "unchanged" or "would-apply");

    public string Json() =>
        ResultJson.Text(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("dryRun", DryRun);
            w.WriteStartArray("buckets");
            foreach (var (bucket, status, what, before, after) in Buckets)
            {
                w.WriteStartObject();
                w.WriteString("bucket", bucket);
                w.WriteString("status", status);
                w.WriteString("change", what);
                ResultJson.WriteStrings(w, "before", before);
                ResultJson.WriteStrings(w, "after", after);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });

    public IEnumerable<string> Lines() =>
        Buckets.SelectMany(r =>
            r.Before.Union(r.After).Select(line => $"  {(r.Before.Contains(line) ? r.After.Contains(line) ? " " : "-" : "+")} {line}").Prepend($"{r.Bucket}: {r.Status}: {r.What}")
        );
}
