using System.Text.Json;
using System.Text.Json.Nodes;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Testing;
using static MultipartAbort.Tests.Timers.UploadTtlSamples;

namespace MultipartAbort.Tests.Timers;

/// <summary>How arming events decode, and how a timer reads and writes on the wire (notBefore, initiatedAt).</summary>
public class TimerWireFormatTests
{
    [Fact]
    public void Decode_CloudTrailSample_IsAnUploadStartWithoutUploadId()
    {
        var decoded = EventDecoder.Decode(Read(CloudTrailFile));

        var start = decoded.Should().BeOfType<PayloadEvent>().Which.Payload.Should().BeOfType<UploadStartedPayload>().Which.Start;
        start.Should().Be(new UploadStart(CloudTrailBucket, CloudTrailKey, null, CloudTrailTime, "CloudTrail CreateMultipartUpload"));
    }

    [Fact]
    public void Decode_CloudTrailRecordCarryingAnUploadId_TakesIt()
    {
        var json = CloudTrail(d => d["responseElements"] = new JsonObject { ["bucket"] = CloudTrailBucket, ["key"] = CloudTrailKey, ["uploadId"] = "u-1" });

        var payload = ((PayloadEvent)EventDecoder.Decode(json)).Payload;

        payload.Should().BeOfType<UploadStartedPayload>().Which.Start.UploadId.Should().Be("u-1");
    }

    [Fact]
    public void Decode_ActivityTrackerCloudEvent_TakesBucketFromTheCrnKeyFromTargetNameAndUploadIdFromResponseData()
    {
        var decoded = EventDecoder.Decode(Read(ActivityTrackerFile));

        var start = ((PayloadEvent)decoded).Payload.Should().BeOfType<UploadStartedPayload>().Which.Start;
        start.Should().Be(new UploadStart(ActivityTrackerBucket, ActivityTrackerKey, ActivityTrackerUploadId, ActivityTrackerTime, "Activity Tracker cloud-object-storage.object-multipart.start"));
    }

    [Fact]
    public void Decode_ActivityTrackerEventTimeWithoutColonInOffset_IsRead()
    {
        var root = JsonNode.Parse(Read(ActivityTrackerFile))!;
        root["data"]!["eventTime"] = "2020-03-08T14:22:01.15+0200";

        var start = ((UploadStartedPayload)((PayloadEvent)EventDecoder.Decode(root.ToJsonString())).Payload).Start;

        start.Initiated.Should().Be(ActivityTrackerTime + TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public void Decode_CloudTrailStartWithoutKey_IsRejectedNamingTheField()
    {
        var json = CloudTrail(d => d["requestParameters"]!.AsObject().Remove("key"));

        var payload = ((PayloadEvent)EventDecoder.Decode(json)).Payload;

        payload.Should().BeOfType<InvalidPayload>().Which.Rejection.Message.Should().Contain("detail.requestParameters.key is missing");
    }

    [Fact]
    public void Decode_OtherCloudTrailS3Event_IsRejectedAsNotAnUploadStart()
    {
        var payload = ((PayloadEvent)EventDecoder.Decode(CloudTrail(d => d["eventName"] = "PutObject"))).Payload;

        payload.Should().BeOfType<InvalidPayload>().Which.Rejection.Message.Should().Contain("only CreateMultipartUpload arms a timer");
    }

    [Fact]
    public void Timer_WrittenAndReadBack_KeepsNotBeforeAndInitiatedAt()
    {
        var due = new DateTimeOffset(2026, 11, 25, 14, 0, 0, 250, TimeSpan.Zero);
        var timer = new AbortRequest("bkt", "k", "") { NotBefore = due, InitiatedAt = due.AddHours(-2), Attempt = 0, Reason = "ttl" };

        var wire = MessageJson.AbortRequest(timer);
        var parsed = ((UploadsPayload)RequestParser.ParseText(wire)).Items.Single().Request;

        wire.Should().Contain("\"notBefore\":\"2026-11-25T14:00:00.250Z\"").And.NotContain("uploadId");
        parsed.Should().Be(timer);
    }

    [Theory]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":"u","notBefore":"tomorrow"}""", "notBefore must be an RFC 3339 time")]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":"u","notBefore":"2026-11-25T14:00:00"}""", "notBefore must be an RFC 3339 time")]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":"u","initiatedAt":"2026-11-25T14:00:00Z"}""", "cannot be combined with uploadId")]
    [InlineData("""{"bucket":"bkt","key":"k","notBefore":"2026-11-25T14:00:00Z"}""", "uploadId is missing")]
    public void Parse_BadTimerFields_AreRejectedNamingTheField(string json, string expected)
    {
        var item = ((UploadsPayload)RequestParser.ParseText(json)).Items.Single();

        item.Rejection!.Message.Should().Contain(expected);
    }

    [Theory]
    [InlineData("PT0S")]
    [InlineData("PT0.5S")]
    [InlineData("P31D")]
    public void Settings_UploadTtlOutsidePT1SToP30D_IsAConfigurationError(string ttl)
    {
        var act = () => Settings.Load(new DictionaryEnvironment(new Dictionary<string, string?> { ["UPLOAD_TTL"] = ttl }));

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("UPLOAD_TTL must be from PT1S to P30D");
    }

    [Fact]
    public void Settings_UploadTtl_IsRead()
    {
        Settings.Load(new DictionaryEnvironment(new Dictionary<string, string?> { ["UPLOAD_TTL"] = "PT2H" })).UploadTtl.Should().Be(TimeSpan.FromHours(2));
    }
}
