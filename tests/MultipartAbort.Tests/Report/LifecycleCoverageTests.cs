using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Report;

namespace MultipartAbort.Tests.Report;

/// <summary>The coverage rule, case by case: which enabled abort rule covers a key, and when the store reaps the upload.</summary>
public sealed class LifecycleCoverageTests
{
    private static readonly DateTimeOffset Initiated = new(2026, 3, 10, 10, 30, 0, TimeSpan.Zero);

    private static LifecycleAbortRule Rule(string id, string prefix = "", int? days = 1, bool enabled = true, bool filtered = false) => new(id, enabled, prefix, filtered, days);

    public static TheoryData<string, LifecycleAbortRule[]?, string, CoverageState, string?, int?> Cases =>
        new()
        {
            // case, rules (null: the read was refused), key, state, covering rule, days of the reap
            { "no configuration", [], "a", CoverageState.NotCovered, null, null },
            { "refused read", null, "a", CoverageState.Unknown, null, null },
            { "whole bucket", [Rule("all", days: 7)], "any/key", CoverageState.Covered, "all", 7 },
            { "disabled rule", [Rule("off", enabled: false)], "a", CoverageState.NotCovered, null, null },
            { "tag-filtered rule with the action", [Rule("tagged", filtered: true)], "a", CoverageState.NotCovered, null, null },
            { "expiration-only rule", [Rule("expire", days: null)], "a", CoverageState.NotCovered, null, null },
            { "zero days", [Rule("zero", days: 0)], "a", CoverageState.NotCovered, null, null },
            { "disabled beside enabled", [Rule("off", days: 1, enabled: false), Rule("on", days: 5)], "a", CoverageState.Covered, "on", 5 },
            { "outside the prefix", [Rule("logs", "logs/", 3)], "tmp/a", CoverageState.NotCovered, null, null },
            { "prefix is not a folder match", [Rule("logs", "logs/", 3)], "logs", CoverageState.NotCovered, null, null },
            { "prefix is a plain string prefix", [Rule("lo", "lo", 3)], "logs/a", CoverageState.Covered, "lo", 3 },
            { "prefix is case-sensitive", [Rule("logs", "logs/", 3)], "Logs/a", CoverageState.NotCovered, null, null },
            { "nested, the inner reaps first", [Rule("all", days: 7), Rule("tmp", "tmp/", 1)], "tmp/a", CoverageState.Covered, "tmp", 1 },
            { "nested, outside the inner", [Rule("all", days: 7), Rule("tmp", "tmp/", 1)], "logs/a", CoverageState.Covered, "all", 7 },
            { "nested, the outer reaps first", [Rule("all", days: 1), Rule("tmp", "tmp/", 5)], "tmp/a", CoverageState.Covered, "all", 1 },
            { "nested, the inner one disabled", [Rule("all", days: 7), Rule("tmp", "tmp/", 1, enabled: false)], "tmp/a", CoverageState.Covered, "all", 7 },
            { "nested, the inner one tag-filtered", [Rule("tmp", "tmp/", 1, filtered: true), Rule("tmp-deep", "tmp/deep/", 2)], "tmp/a", CoverageState.NotCovered, null, null },
            { "deeper nesting", [Rule("tmp", "tmp/", 9), Rule("tmp-deep", "tmp/deep/", 2)], "tmp/deep/x", CoverageState.Covered, "tmp-deep", 2 },
        };

    [Theory, MemberData(nameof(Cases))]
    public void Coverage_IsTheEnabledPrefixOnlyAbortRuleThatReapsFirst(string @case, LifecycleAbortRule[]? rules, string key, CoverageState state, string? rule, int? days)
    {
        var coverage = LifecycleCoverage.Of(rules, key, Initiated);

        coverage.State.Should().Be(state, @case);
        coverage.CoveredBy.Should().Be(rule, @case);
        coverage.ReapedAfter.Should().Be(days is { } d ? LifecycleCoverage.ReapTime(Initiated, d) : null, @case);
    }

    [Theory]
    [InlineData("2026-03-10T10:30:00Z", 1, "2026-03-12T00:00:00Z")]
    [InlineData("2026-03-10T00:00:00Z", 1, "2026-03-11T00:00:00Z")]
    [InlineData("2026-03-10T23:59:59.999Z", 7, "2026-03-18T00:00:00Z")]
    [InlineData("2026-03-10T00:00:00.001Z", 3, "2026-03-14T00:00:00Z")]
    [InlineData("2026-03-10T22:00:00-05:00", 1, "2026-03-13T00:00:00Z")]
    [InlineData("2026-12-31T12:00:00Z", 1, "2027-01-02T00:00:00Z")]
    public void ReapTime_IsInitiatedPlusDays_RoundedUpToTheNextMidnightUtc(string initiated, int days, string reaped) =>
        LifecycleCoverage.ReapTime(DateTimeOffset.Parse(initiated, System.Globalization.CultureInfo.InvariantCulture), days)
            .Should().Be(DateTimeOffset.Parse(reaped, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void AnUploadWithoutInitiatedTime_IsCovered_WithNoReapTime() =>
        LifecycleCoverage.Of([Rule("all", days: 2)], "a", null).Should().Be(new Coverage(CoverageState.Covered, "all", null));

    [Fact]
    public void ListPartsAbortHeaders_ThatAgree_AddNoNote()
    {
        var rules = LifecycleCoverage.Of([Rule("all", days: 2)], "a", Initiated);

        var reconciled = LifecycleCoverage.Reconcile(rules, rules.ReapedAfter, "all");

        reconciled.Should().Be(rules);
        reconciled.Disagreement.Should().BeNull();
    }

    [Fact]
    public void ListPartsAbortHeaders_ThatDisagree_Win_AndSaySo()
    {
        var notCovered = LifecycleCoverage.Of([], "a", Initiated);
        var otherRule = LifecycleCoverage.Of([Rule("all", days: 2)], "a", Initiated);
        var storeDate = new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero);

        var overNone = LifecycleCoverage.Reconcile(notCovered, storeDate, "hidden");
        var overOther = LifecycleCoverage.Reconcile(otherRule, storeDate, "all");
        var overUnknown = LifecycleCoverage.Reconcile(Coverage.Unknown, storeDate, "hidden");

        overNone.Should().Be(new Coverage(CoverageState.Covered, "hidden", storeDate) { Disagreement = overNone.Disagreement });
        overNone.Disagreement.Should().Be("ListParts says rule 'hidden' after 2026-03-20T00:00:00.000Z; the lifecycle configuration says no rule");
        overOther.ReapedAfter.Should().Be(storeDate);
        overOther.Disagreement.Should().Be("ListParts says rule 'all' after 2026-03-20T00:00:00.000Z; the lifecycle configuration says rule 'all' after 2026-03-13T00:00:00.000Z");
        overUnknown.State.Should().Be(CoverageState.Covered, "the store's own word on the upload");
        overUnknown.Disagreement.Should().Contain("could not be read");
    }

    [Fact]
    public void NoAbortHeaders_KeepTheConfigurationsAnswer() =>
        LifecycleCoverage.Reconcile(Coverage.Unknown, null, null).Should().Be(Coverage.Unknown);
    private static readonly StoreReaping Expiry = new("MinIO stale_uploads_expiry (24 h by default)", TimeSpan.FromHours(24));

    [Theory]
    [InlineData("no rule covers it", false, "logs/a", CoverageState.ByStore)]
    [InlineData("the rules could not be read: unknown, never the store's assumed default", true, "logs/a", CoverageState.Unknown)]
    [InlineData("a rule covers it", false, "tmp/a", CoverageState.Covered)]
    public void OnAStoreThatReapsByItself_WhatNoRuleCovers_IsTheStores(string @case, bool refused, string key, CoverageState state)
    {
        var coverage = LifecycleCoverage.Of(refused ? null : [Rule("tmp", "tmp/", 3)], key, Initiated, Expiry);

        coverage.State.Should().Be(state, @case);
        if (state == CoverageState.ByStore)
        {
            coverage.Name.Should().Be("store");
            coverage.CoveredBy.Should().Be(Expiry.By);
            coverage.ReapedAfter.Should().Be(Initiated.AddHours(24), "the store counts from the upload's start, not to a midnight");
        }
    }
}
