using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Report;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Report;

/// <summary>What a store double lets a test set exactly: upload times on each side of every age band, part times on each side of MIN_IDLE.</summary>
public sealed class ReportTests
{
    private static readonly DateTimeOffset Now = WorkflowHarness.Now;

    private static async Task<IncompleteUploadReport> RunAsync(WorkflowHarness h, ReportRequest request)
    {
        var services = h.Services();
        using var invocation = services.Begin(null, CancellationToken.None);
        return await services.Reports.RunAsync(request, invocation);
    }

    [Fact]
    public async Task AgeBands_SplitAtOneSevenAndThirtyDays_AndActivityAtMinIdle_ByTheNewestPartOrElseTheStart()
    {
        var h = new WorkflowHarness();
        var ages = new[] { TimeSpan.FromHours(23), TimeSpan.FromHours(25), TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7), TimeSpan.FromDays(29), TimeSpan.FromDays(30), TimeSpan.FromDays(400) };
        for (var i = 0; i < ages.Length; i++)
            h.Store.Add("b", $"k{i}", $"u{i}", parts: 0, initiated: Now - ages[i]);
        h.Store.Add("b", "fresh-part", "u-fresh", parts: 2, initiated: Now - TimeSpan.FromDays(40)).NewestPart = Now - TimeSpan.FromMinutes(59);
        h.Store.Add("b", "stale-part", "u-stale", parts: 2, initiated: Now - TimeSpan.FromDays(40)).NewestPart = Now - TimeSpan.FromMinutes(61);

        var report = await RunAsync(h, new ReportRequest { Buckets = ["b"], MinIdle = TimeSpan.FromHours(1) });

        var bands = report.Buckets.Single().Overall.Bands;
        AgeBands.All.Select(b => bands[(int)b].Uploads).Should().Equal(1, 2, 2, 4, 0);
        var overall = report.Buckets.Single().Overall;
        overall.Active.Uploads.Should().Be(1, "only the part that landed 59 minutes ago is within MIN_IDLE; uploads with no part are judged by their start");
        overall.Idle.Uploads.Should().Be(8);
    }

    [Fact]
    public async Task Prefixes_PastTheCap_AddUpUnderOther_SoMemoryAndMetricsDoNotGrowWithTheUploads()
    {
        var h = new WorkflowHarness();
        for (var i = 0; i < BucketReport.MaxPrefixes + 5; i++)
            h.Store.Add("bkt", $"{i:D5}/file", $"u{i}", parts: 1, initiated: Now - TimeSpan.FromDays(2));

        var bucket = (await RunAsync(h, new ReportRequest { Buckets = ["bkt"], Depth = 1 })).Buckets.Single();

        bucket.Prefixes.Should().HaveCount(BucketReport.MaxPrefixes + 1);
        bucket.Prefixes[BucketReport.OtherPrefixes].Total.Uploads.Should().Be(5);
        bucket.Prefixes.Values.Sum(p => p.Total.Uploads).Should().Be(BucketReport.MaxPrefixes + 5);
    }

    [Fact]
    public void PrefixOf_TakesTheFirstSegmentsWithTheirSlash_OrTheFoldersAKeyHas()
    {
        BucketReport.PrefixOf("a/b/c/d.bin", 1).Should().Be("a/");
        BucketReport.PrefixOf("a/b/c/d.bin", 2).Should().Be("a/b/");
        BucketReport.PrefixOf("a/d.bin", 2).Should().Be("a/");
        BucketReport.PrefixOf("d.bin", 3).Should().Be("");
        BucketReport.PrefixOf("a//b", 2).Should().Be("a//");
    }

    [Fact]
    public async Task Top_KeepsOnlyTheNLargestAndOldest_WhateverTheOrderTheyAreListedIn()
    {
        var h = new WorkflowHarness();
        for (var i = 0; i < 50; i++)
            h.Store.Add("b", $"k{i:D2}", $"u{i}", parts: 1 + (i * 7 % 50), initiated: Now - TimeSpan.FromHours(1 + (i * 13 % 50)));

        var bucket = (await RunAsync(h, new ReportRequest { Buckets = ["b"], Top = 3 })).Buckets.Single();

        bucket.Largest.Select(u => u.Parts).Should().Equal(50, 49, 48);
        bucket.Oldest.Select(u => Now - u.Initiated!.Value).Should().Equal(TimeSpan.FromHours(50), TimeSpan.FromHours(49), TimeSpan.FromHours(48));
        bucket.Overall.Total.Uploads.Should().Be(50);
    }

    [Theory]
    [InlineData("""{"report":{}}""", "report.names no bucket")]
    [InlineData("""{"report":{"bucket":"b","depth":9}}""", "report.depth must be from 0 to 5; got 9")]
    [InlineData("""{"report":{"buckets":"b"}}""", "report.buckets must be an array")]
    [InlineData("""{"report":{"bucket":"b","minIdle":"1h"}}""", "report.minIdle")]
    [InlineData("""{"report":{"bucket":"b","pricePerGbMonth":-1}}""", "report.pricePerGbMonth must be a number, 0 or more")]
    [InlineData("""{"report":{"bucket":"b","prefix":"x"}}""", "prefix")]
    [InlineData("""{"report":{"bucket":"has space"}}""", "report.bucket")]
    public async Task ReportEvent_WithABadField_IsRejectedNamingIt(string json, string named)
    {
        var h = new WorkflowHarness();

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));

        var result = answer.Result!.Results.Should().ContainSingle().Which;
        result.Outcome.Should().Be(AbortOutcome.Rejected);
        result.Message.Should().Contain(named);
        answer.Result.Report.Should().BeNull();
    }

    [Fact]
    public async Task Coverage_PerUploadAndInTotals_FollowsTheRules_OnceABucket_AndAnUnreadableConfigurationIsUnknown()
    {
        var h = new WorkflowHarness();
        var initiated = new DateTimeOffset(2026, 11, 1, 15, 0, 0, TimeSpan.Zero);
        h.Store.LifecycleRules["ruled"] =
        [
            new("tmp-fast", true, "tmp/", false, 1),
            new("logs-off", false, "logs/", false, 1),
            new("tagged", true, "", true, 1),
            new("expire-only", true, "", false, null),
            new("deep", true, "tmp/deep/", false, 3),
        ];
        h.Store.LifecycleRules["refused"] = null;
        h.Store.Add("ruled", "tmp/a", "u1", parts: 2, initiated: initiated);
        h.Store.Add("ruled", "tmp/deep/b", "u2", parts: 1, initiated: initiated);
        h.Store.Add("ruled", "logs/c", "u3", parts: 3, initiated: initiated);
        h.Store.Add("ruled", "top", "u4", parts: 1, initiated: initiated);
        h.Store.Add("bare", "tmp/a", "u5", parts: 1, initiated: initiated);
        h.Store.Add("refused", "tmp/a", "u6", parts: 5, initiated: initiated);
        var rows = new System.Collections.Concurrent.ConcurrentDictionary<string, ReportedUpload>();
        var services = h.Services();
        using var invocation = services.Begin(null, CancellationToken.None);

        var report = await services.Reports.RunAsync(new ReportRequest { Buckets = ["ruled", "bare", "refused"], Depth = 1 }, invocation, null, (_, u) => rows[u.UploadId] = u);

        var reaped = new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.Zero);
        rows.ToDictionary(r => r.Key, r => r.Value.Coverage).Should().BeEquivalentTo(new Dictionary<string, Coverage>
        {
            ["u1"] = new(CoverageState.Covered, "tmp-fast", reaped),
            ["u2"] = new(CoverageState.Covered, "tmp-fast", reaped),
            ["u3"] = Coverage.NotCovered,
            ["u4"] = Coverage.NotCovered,
            ["u5"] = Coverage.NotCovered,
            ["u6"] = Coverage.Unknown,
        });
        var buckets = report.Buckets.ToDictionary(b => b.Bucket);
        var ruled = buckets["ruled"];
        (ruled.Overall.Covered.Uploads, ruled.Overall.Covered.Bytes, ruled.Overall.NotCovered.Uploads, ruled.Overall.NotCovered.Bytes).Should().Be((2L, 48L, 2L, 64L));
        ruled.Prefixes["tmp/"].Covered.Uploads.Should().Be(2);
        ruled.Prefixes["logs/"].NotCovered.Uploads.Should().Be(1, "its rule is disabled");
        ruled.Prefixes[""].NotCovered.Uploads.Should().Be(1, "a tag-filtered rule and an expiration-only rule abort no upload");
        ruled.LifecycleError.Should().BeNull();
        buckets["bare"].Overall.NotCovered.Uploads.Should().Be(1, "no configuration: no rule covers it");
        var refused = buckets["refused"];
        refused.LifecycleError.Should().Contain("AccessDenied");
        (refused.Overall.CoverageUnknown.Uploads, refused.Overall.Covered.Uploads, refused.Overall.NotCovered.Uploads).Should().Be((1L, 0L, 0L));
        refused.Complete.Should().BeTrue("the uploads were all counted: only their coverage is unknown");
        report.Totals.BytesNotKnownCovered.Should().Be(64 + 16 + 80, "not covered, and unknown: never counted as covered");

        using var json = JsonDocument.Parse(MultipartAbort.Core.Serialization.ReportJson.Text(report));
        var jsonBuckets = json.RootElement.GetProperty("report").GetProperty("buckets").EnumerateArray().ToDictionary(b => b.GetProperty("bucket").GetString()!);
        jsonBuckets["ruled"].GetProperty("covered").GetProperty("bytes").GetInt64().Should().Be(48);
        jsonBuckets["ruled"].GetProperty("notCovered").GetProperty("uploads").GetInt64().Should().Be(2);
        jsonBuckets["refused"].GetProperty("lifecycleError").GetString().Should().Contain("AccessDenied");
        jsonBuckets["refused"].GetProperty("coverageUnknown").GetProperty("uploads").GetInt64().Should().Be(1);
        json.RootElement.GetProperty("report").GetProperty("totals").GetProperty("covered").GetProperty("uploads").GetInt64().Should().Be(2);
        var largest = jsonBuckets["ruled"].GetProperty("largest").EnumerateArray().ToDictionary(u => u.GetProperty("uploadId").GetString()!);
        (largest["u1"].GetProperty("coveredBy").GetString(), largest["u1"].GetProperty("reapedAfter").GetString()).Should().Be(("tmp-fast", "2026-11-03T00:00:00.000Z"));
        largest["u3"].GetProperty("coverage").GetString().Should().Be("not-covered");
        largest["u3"].TryGetProperty("coveredBy", out _).Should().BeFalse();
    }

    [Fact]
    public async Task ReportEvent_AnswersTheReport_AndWritesOneEmfLinePerBucketAndPrefix_PlusOneForAll()
    {
        var h = new WorkflowHarness();
        h.Store.Add("photos", "raw/a.bin", "u1", parts: 3, initiated: Now - TimeSpan.FromDays(2)).NewestPart = Now - TimeSpan.FromDays(1);
        h.Store.Add("photos", "top.bin", "u2", parts: 1, initiated: Now - TimeSpan.FromHours(5));
        h.Store.Add("logs", "x/y.gz", "u3", parts: 0, initiated: Now - TimeSpan.FromSeconds(90));
        var emf = new StringWriter();

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"report":{"buckets":["photos","logs"],"depth":1}}"""), services.Begin(null, CancellationToken.None));
        new EmfMetrics(emf, "MultipartAbort", "multipart-abort", h.Clock).Flush(answer.Result!.Report!);

        answer.Succeeded.Should().BeTrue();
        using var body = JsonDocument.Parse(answer.Body);
        var report = body.RootElement.GetProperty("summary").GetProperty("report");
        report.GetProperty("buckets").EnumerateArray().Select(b => (b.GetProperty("bucket").GetString(), b.GetProperty("parts").GetInt64())).Should().Equal(("logs", 0L), ("photos", 4L));
        const string head = "{\"_aws\":{\"Timestamp\":1795608000000,\"CloudWatchMetrics\":[{\"Namespace\":\"MultipartAbort\",\"Dimensions\":[";
        const string metrics =
            "],\"Metrics\":[{\"Name\":\"IncompleteUploads\",\"Unit\":\"Count\"},{\"Name\":\"IncompleteUploadParts\",\"Unit\":\"Count\"},{\"Name\":\"IncompleteUploadBytes\",\"Unit\":\"Bytes\"},{\"Name\":\"OldestIncompleteUploadAgeSeconds\",\"Unit\":\"Seconds\"},{\"Name\":\"IncompleteUploadBytesNotCovered\",\"Unit\":\"Bytes\"}]}]},\"Service\":\"multipart-abort\",";
        // No lifecycle configuration on either bucket: every byte is not covered.
        static string Figures(int uploads, int parts, int bytes, int age) =>
            $"\"IncompleteUploads\":{uploads},\"IncompleteUploadParts\":{parts},\"IncompleteUploadBytes\":{bytes},\"OldestIncompleteUploadAgeSeconds\":{age},\"IncompleteUploadBytesNotCovered\":{bytes}}}";
        emf.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            head + "[\"Service\"]" + metrics + Figures(3, 4, 64, 172800),
            head + "[\"Service\",\"Bucket\"]" + metrics + "\"Bucket\":\"logs\"," + Figures(1, 0, 0, 90),
            head + "[\"Service\",\"Bucket\",\"Prefix\"]" + metrics + "\"Bucket\":\"logs\",\"Prefix\":\"x/\"," + Figures(1, 0, 0, 90),
            head + "[\"Service\",\"Bucket\"]" + metrics + "\"Bucket\":\"photos\"," + Figures(2, 4, 64, 172800),
            head + "[\"Service\",\"Bucket\",\"Prefix\"]" + metrics + "\"Bucket\":\"photos\",\"Prefix\":\"/\"," + Figures(1, 1, 16, 18000),
            head + "[\"Service\",\"Bucket\",\"Prefix\"]" + metrics + "\"Bucket\":\"photos\",\"Prefix\":\"raw/\"," + Figures(1, 3, 48, 172800)
        );
    }

    [Fact]
    public async Task AReportWithABucketItCouldNotRead_WritesNoAllBucketLine_SoTheAlarmSeesMissingDataNotADrop()
    {
        var h = new WorkflowHarness { Settings = new Settings { Access = new AccessPolicy(["photos"], null), ReabortBackoff = TimeSpan.Zero } };
        h.Store.Add("photos", "a.bin", "u1", parts: 1, initiated: Now - TimeSpan.FromHours(1));
        var emf = new StringWriter();

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"report":{"buckets":["photos","secret"]}}"""), services.Begin(null, CancellationToken.None));
        new EmfMetrics(emf, "MultipartAbort", "multipart-abort", h.Clock).Flush(answer.Result!.Report!);

        var lines = emf.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle().Which.Should().Contain("\"Bucket\":\"photos\"").And.Contain("\"IncompleteUploads\":1");
        answer.Succeeded.Should().BeFalse("a bucket was refused");
    }

    [Fact]
    public async Task ScheduledTick_WithReportTargets_ReportsAfterTheSweeps_EveryBucketForAStar_WithinAllowedBuckets()
    {
        var h = new WorkflowHarness
        {
            Settings = new Settings { ReportTargets = ["*"], ReportDepth = 0, Access = new AccessPolicy(["keep-*"], null), ReabortBackoff = TimeSpan.Zero },
        };
        h.Store.Add("keep-a", "k", "u1", parts: 2, initiated: Now - TimeSpan.FromDays(3));
        h.Store.Add("keep-b", "k", "u2", parts: 1, initiated: Now - TimeSpan.FromDays(3));
        h.Store.Add("other", "k", "u3", parts: 1, initiated: Now - TimeSpan.FromDays(3));

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""), services.Begin(null, CancellationToken.None));

        answer.Result!.Report!.Buckets.Select(b => (b.Bucket, b.Overall.Total.Parts)).Should().Equal(("keep-a", 2L), ("keep-b", 1L));
        h.Store.AbortCalls.Should().Be(0, "a report never aborts");
    }

    [Fact]
    public void ReportTargets_ThatCannotBeABucket_AreAConfigurationError()
    {
        var act = () => Settings.Load(new MultipartAbort.Testing.DictionaryEnvironment(new Dictionary<string, string?> { [EnvironmentVariables.ReportTargets] = "good-one,bad name", [EnvironmentVariables.ReportDepth] = "2" }));

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("REPORT_TARGETS: 'bad name'");
    }
}

/// <summary>SWEEP_TARGETS entries that name buckets by glob: the same core runs them on Lambda and on the HTTP host.</summary>
public sealed class SweepTargetGlobTests
{
    private static readonly DateTimeOffset Now = WorkflowHarness.Now;

    [Fact]
    public async Task ScheduledTick_WithAGlobTarget_SweepsEachBucketItFinds_WithinAllowedBuckets_AndNoOther()
    {
        var targets = new List<string>();
        var h = new WorkflowHarness
        {
            Settings = new Settings
            {
                SweepTargets = SweepTarget.ParseList("logs-*/tmp/:PT1H", targets),
                Access = new AccessPolicy(["logs-*", "other"], null),
                MinIdle = TimeSpan.Zero,
                ReabortBackoff = TimeSpan.Zero,
            },
        };
        var a = h.Store.Add("logs-a", "tmp/x", "u1", initiated: Now - TimeSpan.FromDays(1));
        var b = h.Store.Add("logs-b", "tmp/y", "u2", initiated: Now - TimeSpan.FromDays(1));
        var outsidePrefix = h.Store.Add("logs-b", "keep/z", "u3", initiated: Now - TimeSpan.FromDays(1));
        var other = h.Store.Add("other", "tmp/x", "u4", initiated: Now - TimeSpan.FromDays(1));

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""), services.Begin(null, CancellationToken.None));

        targets.Should().BeEmpty("a glob is a valid bucket of SWEEP_TARGETS");
        answer.Result!.Sweeps.Select(s => (s.Bucket, s.Prefix, s.Aborted)).Should().Equal(("logs-a", "tmp/", 1L), ("logs-b", "tmp/", 1L));
        (a.Aborted, b.Aborted, outsidePrefix.Aborted, other.Aborted).Should().Be((true, true, false, false));
    }

    [Fact]
    public async Task ScheduledTick_WhenListBucketsFails_NamesTheGlobAsFailed_AndStillSweepsTheNamedTargets()
    {
        var targets = new List<string>();
        var h = new WorkflowHarness
        {
            Settings = new Settings { SweepTargets = SweepTarget.ParseList("logs-*:PT1H,named:PT1H", targets), MinIdle = TimeSpan.Zero, ReabortBackoff = TimeSpan.Zero },
        };
        var named = h.Store.Add("named", "k", "u", initiated: Now - TimeSpan.FromDays(1));
        var store = new RefusingDirectory(h.Store);

        var services = h.Services(store);
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""), services.Begin(null, CancellationToken.None));

        answer.Result!.Results.Should().ContainSingle(r => r.Outcome == AbortOutcome.Failed).Which.Message.Should().Contain("SWEEP_TARGETS logs-*").And.Contain("AccessDenied");
        named.Aborted.Should().BeTrue();
        answer.Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task ScheduledTick_ABucketOutsideAllowedBuckets_IsRejectedAsInEveryFleet_AndSweepsNothingThere()
    {
        var targets = new List<string>();
        var h = new WorkflowHarness
        {
            Settings = new Settings
            {
                SweepTargets = SweepTarget.ParseList("allowed:PT1H,secret:PT1H", targets),
                Access = new AccessPolicy(["allowed"], null),
                MinIdle = TimeSpan.Zero,
                ReabortBackoff = TimeSpan.Zero,
            },
        };
        var allowed = h.Store.Add("allowed", "k", "u1", initiated: Now - TimeSpan.FromDays(1));
        var secret = h.Store.Add("secret", "k", "u2", initiated: Now - TimeSpan.FromDays(1));

        var services = h.Services();
        var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes("""{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}"""), services.Begin(null, CancellationToken.None));

        answer.Result!.Results.Should().ContainSingle().Which.Should().Match<AbortResult>(r => r.Outcome == AbortOutcome.Rejected && r.Bucket == "secret" && r.Message.Contains("ALLOWED_BUCKETS"));
        answer.Result.Sweeps.Select(s => s.Bucket).Should().Equal(["allowed"], "a refused bucket is a result, never a sweep that listed nothing (as in mpa sweep over many buckets)");
        (allowed.Aborted, secret.Aborted).Should().Be((true, false));
    }

    /// <summary>Counts the listings in flight at once, each held a moment so that they overlap.</summary>
    private sealed class OverlapStore : MultipartAbort.Testing.ScriptedObjectStore
    {
        private int _inFlight;
        public int MostAtOnce;

        public override async Task<MultipartAbort.Core.Ports.UploadsPage> ListUploadsAsync(MultipartAbort.Core.Ports.UploadListing listing, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref MostAtOnce, now);
            await Task.Delay(50, ct);
            Interlocked.Decrement(ref _inFlight);
            return await base.ListUploadsAsync(listing, ct);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    [Fact]
    public async Task ScheduledTick_OverManyBuckets_SweepsAFewAtOnce_AndPassesOnThoseNotStartedByTheDeadline()
    {
        var targets = new List<string>();
        var settings = new Settings { SweepTargets = SweepTarget.ParseList("many-*:PT1H", targets), MinIdle = TimeSpan.Zero, ReabortBackoff = TimeSpan.Zero };
        var store = new OverlapStore();
        for (var i = 0; i < 10; i++)
            store.Add($"many-{i:D2}", "k", "u", initiated: Now - TimeSpan.FromDays(1));
        var h = new WorkflowHarness { Settings = settings, Clock = TimeProvider.System };
        var tick = Encoding.UTF8.GetBytes("""{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}""");

        var services = h.Services(store);
        var unbounded = await services.Events.HandleAsync(tick, services.Begin(null, CancellationToken.None));
        var late = new WorkflowHarness { Settings = settings, Clock = TimeProvider.System };
        var lateServices = late.Services(store);
        var pastDeadline = await lateServices.Events.HandleAsync(tick, lateServices.Begin(DateTimeOffset.UtcNow.AddSeconds(5), CancellationToken.None));

        unbounded.Result!.Sweeps.Should().HaveCount(10).And.OnlyContain(s => s.Aborted == 1);
        store.MostAtOnce.Should().BeInRange(2, FleetScan.BucketsAtOnce, "a few buckets at once, never all ten");
        pastDeadline.Result!.Sweeps.Should().HaveCount(10).And.OnlyContain(s => s.Continued && s.Listed == 0, "within DEADLINE_RESERVE of the end, none is started: each is passed on");
        late.Retry.Sent.Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("sweep").GetProperty("bucket").GetString()).Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => $"many-{i:D2}"));
    }

    /// <summary>A store whose ListBuckets is refused (credentials without s3:ListAllMyBuckets).</summary>
    private sealed class RefusingDirectory(MultipartAbort.Testing.ScriptedObjectStore inner) : MultipartAbort.Core.Ports.IObjectStore, MultipartAbort.Core.Ports.IBucketDirectory
    {
        public Task<MultipartAbort.Core.Ports.StoreStatus> AbortAsync(MultipartAbort.Core.Ports.UploadRef upload, CancellationToken ct) => inner.AbortAsync(upload, ct);

        public Task<MultipartAbort.Core.Ports.PartsPage?> ListPartsAsync(MultipartAbort.Core.Ports.UploadRef upload, int? marker, CancellationToken ct) => inner.ListPartsAsync(upload, marker, ct);

        public Task<MultipartAbort.Core.Ports.UploadsPage> ListUploadsAsync(MultipartAbort.Core.Ports.UploadListing listing, CancellationToken ct) => inner.ListUploadsAsync(listing, ct);

        public Task<IReadOnlyList<string>> ListBucketsAsync(CancellationToken ct) =>
            throw new MultipartAbort.Core.Ports.StoreException("ListBuckets", "AccessDenied: Access Denied", false, "AccessDenied");
    }
}
