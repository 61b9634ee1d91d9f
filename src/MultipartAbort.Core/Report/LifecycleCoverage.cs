using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Report;

/// <summary>
/// Whether an upload will be aborted without this tool: covered by a lifecycle rule, no rule covers it, unknown (the rules
/// could not be read), or reaped by the store itself (a store that expires uploads whatever the rules).
/// </summary>
public enum CoverageState
{
    Covered,
    NotCovered,
    Unknown,
    ByStore,
}

/// <summary>An upload's coverage: the rule that covers it and when the store reaps it (null when the upload has no Initiated time).</summary>
public readonly record struct Coverage(CoverageState State, string? RuleId = null, DateTimeOffset? ReapedAfter = null)
{
    public static Coverage Unknown { get; } = new(CoverageState.Unknown);

    /// <summary>What ListParts said (x-amz-abort-date, x-amz-abort-rule-id) where it differs from the configuration; null when they agree.</summary>
    public string? Disagreement { get; init; }
    public static Coverage NotCovered { get; } = new(CoverageState.NotCovered);

    /// <summary>The name the outputs give a covering rule (a rule may have no id), or the store's own expiry.</summary>
    public string? CoveredBy =>
        State switch
        {
            CoverageState.Covered => RuleId ?? "(rule without id)",
            CoverageState.ByStore => RuleId,
            _ => null,
        };

    public string Name =>
        State switch
        {
            CoverageState.Covered => "covered",
            CoverageState.NotCovered => "not-covered",
            CoverageState.ByStore => "store",
            _ => "unknown",
        };
}

/// <summary>The coverage rule: which enabled abort rule covers a key, and when the store reaps the upload.</summary>
internal static class LifecycleCoverage
{
    /// <summary>
    /// The rule covering <paramref name="key"/>: of the enabled, prefix-only rules with the abort action whose prefix the
    /// key starts with, the one reaping first. <paramref name="rules"/> null (the read was refused) is unknown, never covered.
    /// An upload no rule covers, on a store that reaps by itself, is the store's (it goes, rules or not); with rules
    /// unread it stays unknown, as the store's expiry is only its default.
    /// </summary>
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

    /// <summary>
    /// The store's own answer (ListParts' x-amz-abort-date and x-amz-abort-rule-id) wins over the configuration's: the
    /// store applies it. Where the two differ, the coverage says how.
    /// </summary>
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

    /// <summary>Initiated + days, rounded up to the next midnight UTC, as S3 and IBM COS apply the rule.</summary>
    public static DateTimeOffset ReapTime(DateTimeOffset initiated, int days)
    {
        var due = initiated.ToUniversalTime().AddDays(days);
        var midnight = new DateTimeOffset(due.Date, TimeSpan.Zero);
        return midnight == due ? due : midnight.AddDays(1);
    }
}
