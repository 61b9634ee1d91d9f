using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Model;
using MultipartAbort.Tests.Workflow;
using static MultipartAbort.Tests.Timers.UploadTtlSamples;

namespace MultipartAbort.Tests.Timers;

/// <summary>Upload TTL timers through the real handlers (EventRouter), on the store double, a recording queue and a fake clock.</summary>
public class UploadTimerTests
{
    private static WorkflowHarness Harness(TimeSpan? ttl, TimeProvider clock) =>
        new() { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, UploadTtl = ttl, MinIdle = TimeSpan.Zero }, Clock = clock };

    private static Task<EventAnswer> Handle(WorkflowHarness h, string json)

    {
        var services = h.Services();
        return services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));
    }

    /// <summary>Messages from the retry queue, delivered back as SQS delivers them (one record each, in order).</summary>
    private static string SqsDelivery(params string[] bodies) =>
        new JsonObject
        {
            ["Records"] = new JsonArray(
                [.. bodies.Select((body, i) => (JsonNode)new JsonObject
                {
                    ["messageId"] = $"m{i}",
                    ["receiptHandle"] = "handle",
                    ["body"] = body,
                    ["eventSource"] = "aws:sqs",
                    ["eventSourceARN"] = "arn:aws:sqs:us-east-1:111122223333:multipart-abort-retry",
                    ["awsRegion"] = "us-east-1",
                })]
            ),
        }.ToJsonString();

    private static int StoreCalls(WorkflowHarness h) => h.Store.AbortCalls + h.Store.ListPartsCalls + h.Store.ListUploadsCalls;

    private static JsonElement Body(string json) => JsonDocument.Parse(json).RootElement;

    private static DateTimeOffset Time(JsonElement e, string name) =>
        DateTimeOffset.Parse(e.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task CloudTrailEvent_WithUploadTtl_SendsAKeyTimerDueAtEventTimePlusTtl_WithTheRestOfTheDelay()
    {
        var clock = new FakeTimeProvider(CloudTrailTime + TimeSpan.FromMinutes(110));
        var h = Harness(TimeSpan.FromHours(2), clock);

        var response = await Handle(h, Read(CloudTrailFile));

        var result = response.Result!.Results.Single();
        result.Outcome.Should().Be(AbortOutcome.Requeued);
        result.Message.Should().Contain("armed by CloudTrail CreateMultipartUpload").And.Contain("no store call");
        var (body, delay) = h.Retry.Sent.Single();
        delay.Should().Be(TimeSpan.FromMinutes(10), "the timer is due in 10 minutes, less than SQS's 15-minute cap");
        var timer = Body(body);
        timer.GetProperty("bucket").GetString().Should().Be(CloudTrailBucket);
        timer.GetProperty("key").GetString().Should().Be(CloudTrailKey);
        timer.TryGetProperty("uploadId", out _).Should().BeFalse("CloudTrail's record carries no upload id, so the timer names the key and time");
        Time(timer, "initiatedAt").Should().Be(CloudTrailTime);
        Time(timer, "notBefore").Should().Be(CloudTrailTime + TimeSpan.FromHours(2));
        timer.GetProperty("attempt").GetInt32().Should().Be(0);
        StoreCalls(h).Should().Be(0);
    }

    [Fact]
    public async Task ActivityTrackerCloudEvent_WithUploadTtl_SendsATimerForTheUploadId_CappedAtFifteenMinutes()
    {
        var clock = new FakeTimeProvider(ActivityTrackerTime + TimeSpan.FromSeconds(30));
        var h = Harness(TimeSpan.FromHours(2), clock);

        var response = await Handle(h, Read(ActivityTrackerFile));

        response.Result!.Results.Single().Outcome.Should().Be(AbortOutcome.Requeued);
        var (body, delay) = h.Retry.Sent.Single();
        delay.Should().Be(Settings.MaxRetryDelay);
        var timer = Body(body);
        timer.GetProperty("bucket").GetString().Should().Be(ActivityTrackerBucket);
        timer.GetProperty("key").GetString().Should().Be(ActivityTrackerKey);
        timer.GetProperty("uploadId").GetString().Should().Be(ActivityTrackerUploadId);
        timer.TryGetProperty("initiatedAt", out _).Should().BeFalse();
        Time(timer, "notBefore").Should().Be(ActivityTrackerTime + TimeSpan.FromHours(2));
        StoreCalls(h).Should().Be(0);
    }

    [Fact]
    public async Task ArmingEvent_WithoutUploadTtl_IsRejectedNamingTheVariable_AndNothingIsSent()
    {
        var h = Harness(null, new FakeTimeProvider(CloudTrailTime));

        var response = await Handle(h, Read(CloudTrailFile));

        var result = response.Result!.Results.Single();
        result.Outcome.Should().Be(AbortOutcome.Rejected);
        result.Message.Should().Contain("UPLOAD_TTL is not set");
        result.Bucket.Should().Be(CloudTrailBucket);
        h.Retry.Sent.Should().BeEmpty();
        StoreCalls(h).Should().Be(0);
    }

    [Theory]
    [InlineData("CompleteMultipartUpload")]
    [InlineData("AbortMultipartUpload")]
    public async Task UploadFinishedEvent_ArmsNothing_AndTouchesNothing(string eventName)
    {
        var h = Harness(TimeSpan.FromHours(2), new FakeTimeProvider(CloudTrailTime));

        var response = await Handle(h, CloudTrail(d => d["eventName"] = eventName));

        response.Result!.Results.Should().BeEmpty();
        h.Retry.Sent.Should().BeEmpty();
        StoreCalls(h).Should().Be(0);
        h.Logs.ToString().Should().Contain($"CloudTrail {eventName}").And.Contain("no action");
    }

    [Fact]
    public async Task TtlOfFortyMinutes_IsPassedOnThreeTimesWithNoStoreCall_ThenAbortsAndVerifies()
    {
        var clock = new FakeTimeProvider(ActivityTrackerTime);
        var h = Harness(TimeSpan.FromMinutes(40), clock);
        var upload = h.Store.Add(ActivityTrackerBucket, ActivityTrackerKey, ActivityTrackerUploadId, parts: 2, initiated: ActivityTrackerTime);

        await Handle(h, Read(ActivityTrackerFile));
        var delays = new List<TimeSpan>();
        EventAnswer? due = null;
        for (var hop = 0; hop < 10 && due is null; hop++)
        {
            var (body, delay) = h.Retry.Sent.ToArray()[^1];
            delays.Add(delay);
            Body(body).GetProperty("attempt").GetInt32().Should().Be(0, "passing a timer on is not an attempt");
            StoreCalls(h).Should().Be(0, "an early timer makes no store call");
            clock.Advance(delay);
            var sent = h.Retry.Sent.Count;
            var response = await Handle(h, SqsDelivery(body));
            if (h.Retry.Sent.Count == sent)
                due = response;
        }

        delays.Should().Equal(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(10));
        due!.Counts[AbortOutcome.Aborted].Should().Be(1);
        JsonDocument.Parse(due.Body).RootElement.GetProperty("batchItemFailures").GetArrayLength().Should().Be(0);
        upload.Aborted.Should().BeTrue();
        upload.Parts.Should().Be(0);
        h.Store.AbortCalls.Should().Be(1);
        h.Store.ListPartsCalls.Should().Be(2, "one ListParts before the abort, one to verify it");
    }

    [Fact]
    public async Task DueTimer_OnACompletedUpload_EndsAlreadyGoneAfterOneListParts()
    {
        var clock = new FakeTimeProvider(ActivityTrackerTime + TimeSpan.FromHours(3));
        var h = Harness(TimeSpan.FromHours(2), clock);

        // The upload completed long ago: the store no longer has it, and the event arrives after the timer is due.
        var response = await Handle(h, Read(ActivityTrackerFile));

        var result = response.Result!.Results.Single();
        result.Outcome.Should().Be(AbortOutcome.AlreadyGone);
        result.AbortCalls.Should().Be(0);
        h.Store.ListPartsCalls.Should().Be(1);
        h.Store.AbortCalls.Should().Be(0);
        h.Retry.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task DueKeyTimer_AbortsOnlyUploadsOfExactlyThatKeyInitiatedByEventTimePlusSkew_NeverANewerOne()
    {
        var clock = new FakeTimeProvider(CloudTrailTime + TimeSpan.FromSeconds(10));
        var h = Harness(TimeSpan.FromHours(1), clock);
        var started = h.Store.Add(CloudTrailBucket, CloudTrailKey, "u-started", initiated: CloudTrailTime + TimeSpan.FromMilliseconds(600));
        var withinSkew = h.Store.Add(CloudTrailBucket, CloudTrailKey, "u-skew", initiated: CloudTrailTime + TimeSpan.FromSeconds(4));
        var newer = h.Store.Add(CloudTrailBucket, CloudTrailKey, "u-newer", initiated: CloudTrailTime + TimeSpan.FromSeconds(6));
        var longerKey = h.Store.Add(CloudTrailBucket, CloudTrailKey + ".part2", "u-other-key", initiated: CloudTrailTime - TimeSpan.FromMinutes(1));

        await Handle(h, Read(CloudTrailFile));
        var (body, _) = h.Retry.Sent.Single();
        clock.SetUtcNow(CloudTrailTime + TimeSpan.FromHours(1));
        var response = await Handle(h, SqsDelivery(body));

        response.Counts[AbortOutcome.Aborted].Should().Be(2);
        started.Aborted.Should().BeTrue();
        withinSkew.Aborted.Should().BeTrue("it began within the 5 s skew of the event time");
        newer.Aborted.Should().BeFalse("a newer upload of the same key has its own timer");
        longerKey.Aborted.Should().BeFalse("only exactly the event's key is timed, not keys it prefixes");
        h.Logs.ToString().Should().Contain("1 newer upload(s) of the key left alone");
    }

    [Fact]
    public async Task DueKeyTimer_WhenNoUploadRemains_EndsAlreadyGone()
    {
        var h = Harness(TimeSpan.FromHours(1), new FakeTimeProvider(CloudTrailTime + TimeSpan.FromHours(2)));

        var response = await Handle(h, Read(CloudTrailFile));

        var result = response.Result!.Results.Single();
        result.Outcome.Should().Be(AbortOutcome.AlreadyGone);
        result.Message.Should().Contain("no upload of the key initiated by 2024-07-02T00:22:16.000Z remains");
        h.Store.AbortCalls.Should().Be(0);
    }

    [Fact]
    public async Task EarlyTimer_WithoutRetryQueue_FailsSayingSo()
    {
        var h = new WorkflowHarness { Settings = new Settings { UploadTtl = TimeSpan.FromHours(1) }, Clock = new FakeTimeProvider(CloudTrailTime), WithQueues = false };

        var response = await Handle(h, Read(CloudTrailFile));

        var result = response.Result!.Results.Single();
        result.Outcome.Should().Be(AbortOutcome.Failed);
        result.Message.Should().Contain("RETRY_QUEUE_URL is not set");
        StoreCalls(h).Should().Be(0);
    }

    [Fact]
    public async Task TimerOnABucketOutsideAllowedBuckets_IsRejectedWithoutArming()
    {
        var h = new WorkflowHarness
        {
            Settings = new Settings { UploadTtl = TimeSpan.FromHours(1), Access = new AccessPolicy(["photos-*"], null) },
            Clock = new FakeTimeProvider(CloudTrailTime),
        };

        var response = await Handle(h, Read(CloudTrailFile));

        response.Result!.Results.Single().Outcome.Should().Be(AbortOutcome.Rejected);
        h.Retry.Sent.Should().BeEmpty();
    }

    public static TheoryData<string, string, string> StartsRefusedAtOnce => new()
    {
        { "end of the calendar", CloudTrail(d => d["eventTime"] = "9999-12-31T23:59:59Z"), "more than PT15M ahead" },
        { "an hour ahead", CloudTrail(d => d["eventTime"] = "2024-07-02T01:30:00Z"), "more than PT15M ahead" },
        { "start of the calendar", CloudTrail(d => d["eventTime"] = "0001-01-01T00:00:00Z"), "100 years back" },
        { "1025-byte key", CloudTrail(d => d["requestParameters"]!["key"] = new string('k', 1025)), "detail.requestParameters.key" },
        { "NUL in the key", CloudTrail(d => d["requestParameters"]!["key"] = "a\u0000b"), "U+0000" },
        { "Activity Tracker at the end of the calendar", ActivityTracker("9999-12-31T23:59:59.00+0000"), "more than PT15M ahead" },
    };

    private static string ActivityTracker(string eventTime)
    {
        var root = JsonNode.Parse(Read(ActivityTrackerFile))!;
        root["data"]!["eventTime"] = eventTime;
        return root.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(StartsRefusedAtOnce))]
    public async Task UploadStart_ThatNoRequestCouldName_IsRefusedAtOnce_DirectAndInsideAnSqsBatch(string name, string json, string expected)
    {
        var clock = new FakeTimeProvider(CloudTrailTime + TimeSpan.FromMinutes(1));
        var h = Harness(TimeSpan.FromHours(2), clock);

        var direct = (await Handle(h, json)).Result!.Results.Single();
        direct.Outcome.Should().Be(AbortOutcome.Rejected, name);
        direct.Message.Should().Contain(expected, name);
        (direct.Field ?? direct.Rule).Should().NotBeNull("a refusal names its field or rule: {0}", name);

        // One such record in a batch is dead-lettered on its own; the good record beside it arms its timer.
        var batch = SqsDelivery(json, Read(CloudTrailFile));
        var answer = Body((await Handle(h, batch)).BodyText);
        answer.GetProperty("batchItemFailures").GetArrayLength().Should().Be(0, "the refused record is dead-lettered, not listed for redelivery");
        h.DeadLetter.Sent.Should().ContainSingle().Which.Body.Should().Contain(expected);
        h.Retry.Sent.Should().ContainSingle("only the good record arms a timer");
        StoreCalls(h).Should().Be(0);
    }
}
