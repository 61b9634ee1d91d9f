namespace MultipartAbort.Core.Report;

/// <summary>Whether an upload will be aborted without this tool: by a rule, by none, unknown (rules unreadable), or by the store itself.</summary>
public enum CoverageState
{
    Covered,
    NotCovered,
    Unknown,
    ByStore,
}

// ReapedAfter is null when the upload has no Initiated time.
public readonly record struct Coverage(CoverageState State, string? RuleId = null, DateTimeOffset? ReapedAfter = null)
{
    public static Coverage Unknown { get; } = new(CoverageState.Unknown);

    // Where ListParts (x-amz-abort-date, x-amz-abort-rule-id) differs from the configuration.
    public string? Disagreement { get; init; }
    public static Coverage NotCovered { get; } = new(CoverageState.NotCovered);

    // A rule may have no id.
    public string? CoveredBy =>
        State switch
        {
            CoverageState.Covered => RuleId ?? "(rule without id)",
            CoverageState.ByStore => RuleId,
            _ => null,
        };

    // In CoverageState's order.
    private static readonly string[] Names = ["covered", "not-covered", "unknown", "store"];

    public string Name => Names[(int)State];
}

internal static class LifecycleCoverage
{
    // Of the enabled prefix-only abort rules matching the key, the one reaping first. Rules unread stay unknown, never
    // covered; with none covering, a store that reaps by itself is the store's (its expiry is only a default).
    public static Coverage Of(IReadOnlyList<LifecycleAbortRule>? rules, string key, DateTimeOffset? initiated, StoreReaping? store = null)
    {
        if (rules is null)
            return Coverage.Unknown;
        LifecycleAbortRule? first = null;
        foreach (var rule in rules)
            if (rule.Aborts && key.StartsWith(rule.Prefix, StringComparison.Ordinal) && (first is null || rule.Days < first.Days))
                first = rule;
        if (first is not null)
            return new Coverage(CoverageState.Covered, first.Id, initiated is { } at ? ReapTime(at, first.Days!.Value) : null);
        return store is null ? Coverage.NotCovered : new Coverage(CoverageState.ByStore, store.By, initiated is { } began ? Configuration.TimeBounds.Add(began, store.After) : null);
    }

    // The store's own answer (ListParts' abort date and rule id) wins: the store applies it.
    public static Coverage Reconcile(Coverage fromRules, DateTimeOffset? abortDate, string? abortRuleId)
    {
        if (abortDate is null && abortRuleId is null)
            return fromRules;
        var store = new Coverage(CoverageState.Covered, abortRuleId ?? fromRules.RuleId, abortDate ?? fromRules.ReapedAfter);
        if (fromRules.State == CoverageState.Covered && (abortRuleId is null || abortRuleId == fromRules.RuleId) && (abortDate is null || abortDate == fromRules.ReapedAfter))
            return store;
        var rules = fromRules.State switch
        {
            CoverageState.Covered => $"rule '{fromRules.CoveredBy}' after {(fromRules.ReapedAfter is { } r ? Events.Rfc3339.Format(r) : "an unknown date")}",
            CoverageState.NotCovered or CoverageState.ByStore => "no rule",
            _ => "nothing (it could not be read)",
        };
        var said = $"rule '{abortRuleId ?? "?"}' after {(abortDate is { } d ? Events.Rfc3339.Format(d) : "an unknown date")}";
        return store with { Disagreement = $"ListParts says {said}; the lifecycle configuration says {rules}" };
    }

    // Rounded up to the next midnight UTC, as S3 and IBM COS apply the rule.
    public static DateTimeOffset ReapTime(DateTimeOffset initiated, int days)
    {
        var due = initiated.ToUniversalTime().AddDays(days);
        var midnight = new DateTimeOffset(due.Date, TimeSpan.Zero);
        return midnight == due ? due : midnight.AddDays(1);
    }
}
