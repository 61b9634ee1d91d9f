using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Report;

/// <summary><c>mpa lifecycle check</c>: per bucket, does an enabled rule abort incomplete uploads, after how many days, for which prefix.</summary>
public sealed class LifecycleCheck(FleetScan scan, ILifecycleRules? lifecycle, ReportRunner reports)
{
    public async Task<IReadOnlyList<LifecycleAudit>> RunAsync(IReadOnlyList<string> buckets, bool allBuckets, int? days, bool uploads, Invocation invocation)
    {
        if (uploads)
        {
            var report = await reports.RunAsync(new ReportRequest { Buckets = buckets, AllBuckets = allBuckets, Top = 0 }, invocation).ConfigureAwait(false);
            return [.. report.Buckets.Select(b => b.Rules is { } rules ? Audit(b.Bucket, rules, days) with { Uploads = b } : Failed(b.Bucket, b.Error ?? b.LifecycleError!) with { Uploads = b })];
        }
        var selection = await scan.SelectAsync(buckets, allBuckets, invocation.Work).ConfigureAwait(false);
        var audits = selection.Refused.Select(r => Failed(r.Bucket, r.Error)).ToList();
        foreach (var bucket in selection.Buckets)
        {
            if (lifecycle is null)
            {
                audits.Add(Failed(bucket, ReportRunner.NoLifecycleAdapter));
                continue;
            }
            try
            {
                audits.Add(Audit(bucket, await lifecycle.ReadAbortRulesAsync(bucket, invocation.Work).ConfigureAwait(false), days));
            }
            catch (StoreException ex)
            {
                audits.Add(Failed(bucket, ex.Message));
            }
        }
        return audits;
    }

    private static LifecycleAudit Failed(string bucket, string error) => new(bucket, LifecycleAudit.Error, null, error);

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
    public const string Error = "error";

    public BucketReport? Uploads { get; init; }

    public bool Flagged => Status != "ok";
}
