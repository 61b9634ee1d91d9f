using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Testing;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Report;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Report;

/// <summary>Showback: which group an upload's initiator or owner lands in, and how an answer keeps its groups bounded.</summary>
public sealed class ShowbackTests
{
    private static readonly DateTimeOffset Now = WorkflowHarness.Now;

    private static async Task<IncompleteUploadReport> RunAsync(WorkflowHarness h, ReportRequest request)
    {
        var services = h.Services();
        using var invocation = services.Begin(null, CancellationToken.None);
        return await services.Reports.RunAsync(request, invocation);
    }

    [Theory]
    [InlineData("arn:aws:sts::123456789012:assumed-role/Builder/ci-run-17", "arn:aws:iam::123456789012:role/Builder")]
    [InlineData("arn:aws-us-gov:sts::123456789012:assumed-role/Builder/s", "arn:aws-us-gov:iam::123456789012:role/Builder")]
    [InlineData("arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/alice")]
    [InlineData("arn:aws:sts::123456789012:federated-user/bob", "arn:aws:sts::123456789012:federated-user/bob")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/Builder", "arn:aws:sts::123456789012:assumed-role/Builder")]
    [InlineData("75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a", "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a")]
    public void GroupOf_FoldsAnAssumedRoleSessionIntoItsRole_AndKeepsAnyOtherIdAsItIs(string id, string group) =>
        Showback.GroupOf(new UploadPrincipal(id, "someone")).Should().Be(group);

    [Fact]
    public void GroupOf_WithNoId_IsTheDisplayName_AndWithNothing_Unknown()
    {
        Showback.GroupOf(new UploadPrincipal(null, "mpa test")).Should().Be("mpa test");
        Showback.GroupOf(new UploadPrincipal("", "")).Should().Be(Showback.Unknown);
        Showback.GroupOf(null).Should().Be(Showback.Unknown);
    }

    [Fact]
    public async Task ByInitiator_SessionsOfARoleAddUp_RawArnsKept_NoneNamedIsUnknown_PerBucketAndInAll()
    {
        var h = new WorkflowHarness();
        var day = Now - TimeSpan.FromDays(2);
        h.Store.Add("b1", "a", "u1", parts: 2, initiated: day).Initiator = new UploadPrincipal("arn:aws:sts::111122223333:assumed-role/Etl/run-1", "Etl/run-1");
        h.Store.Add("b1", "b", "u2", parts: 3, initiated: day).Initiator = new UploadPrincipal("arn:aws:sts::111122223333:assumed-role/Etl/run-2", "Etl/run-2");
        h.Store.Add("b1", "c", "u3", parts: 1, initiated: day).Initiator = new UploadPrincipal("arn:aws:iam::111122223333:user/alice", "alice");
        h.Store.Add("b2", "d", "u4", parts: 4, initiated: day).Initiator = new UploadPrincipal("arn:aws:sts::111122223333:assumed-role/Etl/run-3", "Etl/run-3");
        h.Store.Add("b2", "e", "u5", parts: 5, initiated: day);

        var report = await RunAsync(h, new ReportRequest { Buckets = ["b1", "b2"], By = ReportBy.Initiator });

        var groups = report.Groups.ToDictionary(g => g.Name);
        groups.Keys.Should().BeEquivalentTo("arn:aws:iam::111122223333:role/Etl", "arn:aws:iam::111122223333:user/alice", Showback.Unknown);
        var etl = groups["arn:aws:iam::111122223333:role/Etl"];
        (etl.Figures.Total.Uploads, etl.Figures.Total.Parts, etl.Figures.Total.Bytes).Should().Be((3, 9, 9 * 16));
        etl.Ids.Should().Equal("arn:aws:sts::111122223333:assumed-role/Etl/run-1", "arn:aws:sts::111122223333:assumed-role/Etl/run-2", "arn:aws:sts::111122223333:assumed-role/Etl/run-3");
        groups[Showback.Unknown].Figures.Total.Parts.Should().Be(5);
        groups[Showback.Unknown].Ids.Should().BeEmpty();
        report.Groups.Sum(g => g.Figures.Total.Bytes).Should().Be(report.Totals.Total.Bytes, "every upload is in exactly one group");
        report.GroupsOf(report.Buckets.Single(b => b.Bucket == "b1")).Select(g => (g.Name, g.Figures.Total.Uploads))
            .Should().Equal(("arn:aws:iam::111122223333:role/Etl", 2L), ("arn:aws:iam::111122223333:user/alice", 1L));
    }

    [Fact]
    public async Task ByOwner_PastTheTopN_TheSmallestAddUpUnderOther_Last()
    {
        var h = new WorkflowHarness();
        for (var i = 1; i <= 5; i++)
            h.Store.Add("b", $"k{i}", $"u{i}", parts: i, initiated: Now - TimeSpan.FromDays(2)).Owner = new UploadPrincipal($"owner-{i}", null);

        var report = await RunAsync(h, new ReportRequest { Buckets = ["b"], By = ReportBy.Owner, ByTop = 2 });

        report.Groups.Select(g => (g.Name, g.Figures.Total.Parts)).Should().Equal(("owner-5", 5L), ("owner-4", 4L), (Showback.Other, 6L));
        report.Groups[^1].Ids.Should().BeEquivalentTo("owner-1", "owner-2", "owner-3");
    }

    [Fact]
    public async Task Json_NamesTheGrouping_EachGroupsFiguresAndRawIds_AndEachUploadsInitiatorAndOwner()
    {
        var h = new WorkflowHarness();
        var upload = h.Store.Add("b", "k", "u", parts: 2, initiated: Now - TimeSpan.FromDays(2));
        upload.Initiator = new UploadPrincipal("arn:aws:sts::111122223333:assumed-role/Etl/run-1", "Etl/run-1");
        upload.Owner = new UploadPrincipal("owner-id", "owner name");

        var report = await RunAsync(h, new ReportRequest { Buckets = ["b"], By = ReportBy.Initiator });
        using var json = JsonDocument.Parse(ReportJson.Text(report));

        var root = json.RootElement.GetProperty("report");
        root.GetProperty("by").GetString().Should().Be("initiator");
        var group = root.GetProperty("groups").EnumerateArray().Should().ContainSingle().Which;
        group.GetProperty("group").GetString().Should().Be("arn:aws:iam::111122223333:role/Etl");
        group.GetProperty("ids").EnumerateArray().Select(i => i.GetString()).Should().Equal("arn:aws:sts::111122223333:assumed-role/Etl/run-1");
        group.GetProperty("bytes").GetInt64().Should().Be(32);
        root.GetProperty("buckets")[0].GetProperty("groups").GetArrayLength().Should().Be(1);
        var largest = root.GetProperty("buckets")[0].GetProperty("largest")[0];
        largest.GetProperty("initiator").GetProperty("id").GetString().Should().Be("arn:aws:sts::111122223333:assumed-role/Etl/run-1");
        largest.GetProperty("owner").GetProperty("displayName").GetString().Should().Be("owner name");
    }

    [Fact]
    public async Task WithoutBy_TheJsonHasNoGroups()
    {
        var h = new WorkflowHarness();
        h.Store.Add("b", "k", "u", parts: 1, initiated: Now - TimeSpan.FromDays(2)).Initiator = new UploadPrincipal("x", null);

        using var json = JsonDocument.Parse(ReportJson.Text(await RunAsync(h, new ReportRequest { Buckets = ["b"] })));

        json.RootElement.GetProperty("report").TryGetProperty("groups", out _).Should().BeFalse();
        json.RootElement.GetProperty("report").TryGetProperty("by", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"report":{"bucket":"bkt","by":"team"}}""", "report.by", "report.by must be \"initiator\" or \"owner\"; got the string \"team\"")]
    [InlineData("""{"report":{"bucket":"bkt","by":7}}""", "report.by", "report.by must be a string")]
    [InlineData("""{"report":{"bucket":"bkt","by":"owner","byTop":0}}""", "report.byTop", "report.byTop must be from 1 to 1000; got 0")]
    public async Task ReportEvent_WithABadBy_IsRejectedNamingTheField(string json, string field, string message)
    {
        var services = new WorkflowHarness().Services();

        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));

        var result = answer.Result!.Results.Should().ContainSingle().Which;
        result.Outcome.Should().Be(AbortOutcome.Rejected);
        result.Field.Should().Be(field);
        result.Message.Should().Contain(message);
        answer.Result.Report.Should().BeNull();
    }

    [Fact]
    public async Task ReportEvent_ByOwner_AnswersWithTheOwnersGroups()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "k", "u", parts: 2, initiated: Now - TimeSpan.FromDays(2)).Owner = new UploadPrincipal("team-a", "Team A");
        var services = h.Services();

        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"report":{"bucket":"bkt","by":"owner","byTop":5}}"""), services.Begin(null, CancellationToken.None));

        var report = answer.Result!.Report!;
        (report.By, report.ByTop).Should().Be((ReportBy.Owner, 5));
        report.Groups.Should().ContainSingle().Which.Name.Should().Be("team-a");
    }

    [Fact]
    public async Task Emf_WithALargeByTop_WritesAtMostTheDefaultNumberOfGroups_AndOther()
    {
        var h = new WorkflowHarness();
        for (var i = 0; i < Showback.DefaultTop + 5; i++)
            h.Store.Add("b", $"k{i}", $"u{i}", parts: 1, initiated: Now - TimeSpan.FromDays(2)).Initiator = new UploadPrincipal($"user-{i:D2}", null);
        var report = await RunAsync(h, new ReportRequest { Buckets = ["b"], By = ReportBy.Initiator, ByTop = Showback.MaxTop });
        var output = new StringWriter();

        new EmfMetrics(output, "MultipartAbort", "multipart-abort", new FakeTimeProvider(Now)).Flush(report);

        report.Groups.Should().HaveCount(Showback.DefaultTop + 5, "the answer keeps what the request asked for");
        var principals = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).Where(l => l["By"] is not null).Select(l => (string)l["Principal"]!).ToArray();
        principals.Should().HaveCount(Showback.DefaultTop + 1, "a request cannot make more metric series than the default").And.Contain(Showback.Other);
    }

    [Fact]
    public async Task Emf_WithBy_AddsALinePerGroupUnderByPrincipalNames_AndTheReportLinesAreAsWithout()
    {
        var h = new WorkflowHarness();
        h.Store.Add("b", "k1", "u1", parts: 2, initiated: Now - TimeSpan.FromDays(2)).Initiator = new UploadPrincipal("arn:aws:sts::111122223333:assumed-role/Etl/s1", null);
        h.Store.Add("b", "k2", "u2", parts: 1, initiated: Now - TimeSpan.FromDays(2));
        string[] Flush(IncompleteUploadReport report)
        {
            var output = new StringWriter();
            new EmfMetrics(output, "MultipartAbort", "multipart-abort", new FakeTimeProvider(Now)).Flush(report);
            return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        var plain = Flush(await RunAsync(h, new ReportRequest { Buckets = ["b"] }));
        var grouped = Flush(await RunAsync(h, new ReportRequest { Buckets = ["b"], By = ReportBy.Initiator }));

        grouped.Where(l => !l.Contains("ByPrincipal", StringComparison.Ordinal)).Should().Equal(plain, "the existing series do not change");
        var groups = grouped.Select(l => JsonNode.Parse(l)!).Where(l => l["By"] is not null).ToArray();
        groups.Select(l => ((string)l["Principal"]!, (long)l["IncompleteUploadBytesByPrincipal"]!)).Should().Equal(("arn:aws:iam::111122223333:role/Etl", 32L), (Showback.Unknown, 16L));
        groups.Should().AllSatisfy(l => ((string)l["By"]!).Should().Be("initiator"));
        groups.Should().AllSatisfy(l => l["IncompleteUploadBytes"].Should().BeNull("a group's figures go under the new names only"));
    }

    [Theory]
    [InlineData(null, ReportBy.None)]
    [InlineData("owner", ReportBy.Owner)]
    [InlineData("Initiator", ReportBy.Initiator)]
    public void ReportByVariable_IsReadIntoTheSettings(string? value, ReportBy expected)
    {
        var env = new Dictionary<string, string?> { ["COS_ENDPOINT"] = "http://127.0.0.1:9" };
        if (value is not null)
            env["REPORT_BY"] = value;

        MultipartAbort.Core.Configuration.Settings.Load(new DictionaryEnvironment(env)).ReportBy.Should().Be(expected);
    }

    [Fact]
    public void ReportByVariable_OfAnyOtherValue_FailsTheConfigurationNamingIt()
    {
        var env = new Dictionary<string, string?> { ["COS_ENDPOINT"] = "http://127.0.0.1:9", ["REPORT_BY"] = "team" };

        var act = () => MultipartAbort.Core.Configuration.Settings.Load(new DictionaryEnvironment(env));

        act.Should().Throw<MultipartAbort.Core.Configuration.ConfigurationException>().Which.Message.Should().Contain("REPORT_BY must be initiator or owner; got 'team'");
    }

    [Fact]
    public async Task ScheduledTick_WithReportBy_ReportsTheGroups()
    {
        var h = new WorkflowHarness
        {
            Settings = new MultipartAbort.Core.Configuration.Settings { ReportTargets = ["bkt"], ReportBy = ReportBy.Owner, ReabortBackoff = TimeSpan.Zero },
        };
        h.Store.Add("bkt", "k", "u1", parts: 2, initiated: Now - TimeSpan.FromDays(3)).Owner = new UploadPrincipal("team-a", null);
        var services = h.Services();

        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""), services.Begin(null, CancellationToken.None));

        answer.Result!.Report!.By.Should().Be(ReportBy.Owner);
        answer.Result.Report.Groups.Select(g => (g.Name, g.Figures.Total.Parts)).Should().Equal(("team-a", 2L));
    }
}
