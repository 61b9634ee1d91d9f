using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Tests.Events;

/// <summary>Every input shape of the README, decoded from samples as AWS and IBM document them (Samples/).</summary>
public class EventDecoderTests
{
    private static DecodedEvent Sample(string name) => EventDecoder.Decode(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", name)));

    [Fact]
    public void Decode_DirectAbortRequest_ReadsEveryField()
    {
        var decoded = EventDecoder.Decode(
            """{"bucket":"b-1","key":"a b+c/ü.bin","uploadId":"u","attempt":3,"reason":"expired","expectedBucketOwner":"123456789012","requestPayer":"requester"}"""
        );

        var request = decoded.Should().BeOfType<PayloadEvent>().Which.Payload.Should().BeOfType<UploadsPayload>().Which.Items.Should().ContainSingle().Which.Request!;
        request.Should().Be(new AbortRequest("b-1", "a b+c/ü.bin", "u") { Attempt = 3, Reason = "expired", ExpectedBucketOwner = "123456789012", RequestPayer = "requester" });
    }

    [Fact]
    public void Decode_Batch_KeepsOrderAndRejectsBadEntriesByIndex()
    {
        var decoded = EventDecoder.Decode("""{"uploads":[{"bucket":"bkt","key":"a","uploadId":"1"},{"bucket":"bkt","key":"b"},"x"]}""");

        var items = ((UploadsPayload)((PayloadEvent)decoded).Payload).Items;
        items.Should().HaveCount(3);
        items[0].Request!.Key.Should().Be("a");
        items[1].Rejection!.Message.Should().Be("uploads[1].uploadId is missing");
        items[2].Rejection!.Message.Should().Contain("uploads[2] must be an object");
    }

    [Fact]
    public void Decode_Sweep_ParsesDurationAndMarkers()
    {
        var decoded = EventDecoder.Decode("""{"sweep":{"bucket":"bkt","prefix":"tmp/","olderThan":"P1D","dryRun":true,"keyMarker":"k","uploadIdMarker":"u"}}""");

        var sweep = ((SweepPayload)((PayloadEvent)decoded).Payload).Sweep;
        sweep.Should().Be(new SweepRequest("bkt", TimeSpan.FromDays(1)) { Prefix = "tmp/", DryRun = true, KeyMarker = "k", UploadIdMarker = "u" });
    }

    [Theory]
    [InlineData("""{"bucket":"bkt","key":"k"}""", "uploadId is missing")]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":7}""", "uploadId must be a string; got the number 7")]
    [InlineData("""{"bucket":"bkt","key":"","uploadId":"u"}""", "key is empty")]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":"u","attempt":-1}""", "attempt must be a whole number of 0 or more; got the number -1")]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":"u","attempt":"2"}""", "attempt must be a whole number")]
    [InlineData("""{"bucket":"a/b","key":"k","uploadId":"u"}""", "bucket may hold only letters, digits, '.', '-' and '_'; got '/'")]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":"u","requestPayer":"me"}""", "requestPayer must be \"requester\"")]
    [InlineData("""{"bucket":"bkt","key":"k","uploadId":"u","expectedBucketOwner":"abc"}""", "expectedBucketOwner must be a 12-digit account id")]
    [InlineData("""{"sweep":{"bucket":"bkt","olderThan":"1 day"}}""", "sweep.olderThan '1 day' is not an ISO-8601 duration")]
    [InlineData("""{"sweep":{"bucket":"bkt"}}""", "sweep.olderThan is missing")]
    [InlineData("""{"sweep":{"bucket":"bkt","olderThan":"P1D","dryRun":"yes"}}""", "sweep.dryRun must be true or false")]
    [InlineData("""{"uploads":[]}""", "uploads is empty")]
    [InlineData("""{"uploads":{}}""", "uploads must be an array")]
    [InlineData("""{"hello":"world"}""", "names no upload")]
    [InlineData("""[1,2]""", "must be a JSON object; got an array")]
    [InlineData("""{"bucket":"bkt",""", "not valid JSON")]
    [InlineData("", "the event is empty")]
    public void Decode_WhenMalformed_RejectsNamingTheProblem(string json, string expected)
    {
        var rejection = Rejections(EventDecoder.Decode(json)).Should().ContainSingle().Which;

        rejection.Outcome.Should().Be(AbortOutcome.Rejected);
        rejection.AbortCalls.Should().Be(0);
        rejection.Message.Should().Contain(expected);
    }

    [Fact]
    public void Decode_SqsSample_KeepsRecordsAndBodies()
    {
        var sqs = Sample("sqs-batch.json").Should().BeOfType<SqsBatchEvent>().Which.Event;

        sqs.Records.Should().HaveCount(2);
        sqs.Records[0].MessageId.Should().Be("059f36b4-87a3-44ab-83d2-661975830a7d");
        var first = RequestParser.ParseText(sqs.Records[0].Body).Should().BeOfType<UploadsPayload>().Which.Items.Single().Request!;
        first.Should().Be(new AbortRequest("photos", "raw/2026/a b+c.jpg", "u-1") { Attempt = 2 });
        RequestParser.ParseText(sqs.Records[1].Body).Should().BeOfType<SweepPayload>().Which.Sweep.Prefix.Should().Be("tmp/");
    }

    [Fact]
    public void Decode_EventBridgeScheduledSample_IsAScheduledSweep()
    {
        var payload = Sample("eventbridge-scheduled.json").Should().BeOfType<PayloadEvent>().Which.Payload;

        payload.Should().BeOfType<ScheduledSweepPayload>().Which.Source.Should().Be("aws.events");
    }

    [Fact]
    public void Decode_EventBridgeUploadExpired_ReadsDetail()
    {
        var payload = (UploadsPayload)((PayloadEvent)Sample("eventbridge-upload-expired.json")).Payload;

        payload.Items.Single().Request.Should().Be(new AbortRequest("photos", "raw/2026/ü ñ.jpg", "0100018c-1234") { Reason = "upload expired after 24h" });
    }

    [Theory]
    [InlineData("function-url.json", "POST", false, true)]
    [InlineData("apigw-v2-base64.json", "POST", true, true)]
    [InlineData("apigw-v1.json", "POST", false, false)]
    public void Decode_HttpSamples_AreHttpEvents(string sample, string method, bool base64, bool v2)
    {
        var http = Sample(sample).Should().BeOfType<HttpEvent>().Which.Request;

        http.Method.Should().Be(method);
        http.IsBase64Encoded.Should().Be(base64);
        http.IsPayloadV2.Should().Be(v2);
        http.Body.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"{}\"")]
    [InlineData("null")]
    [InlineData("{}")]
    public void Tick_IsTheSameRule_ForAStructuredCloudEvent_AndOneDeliveredOverHttp(string data)
    {
        // Issue 22: the tick rule was written three times; a quoted empty data was a tick over HTTP and an error on Lambda.
        var structured = ((PayloadEvent)EventDecoder.Decode($$"""{"specversion":"1.0","id":"1","source":"cron","type":"t","data":{{data}}}""")).Payload;
        var overHttp = new CloudEventDelivery("1", "cron", "t", System.Text.Encoding.UTF8.GetBytes(data)).ToPayload();

        structured.Should().BeOfType<ScheduledSweepPayload>().Which.Source.Should().Be("cron");
        overHttp.Should().BeOfType<ScheduledSweepPayload>().Which.Source.Should().Be("cron");
    }

    [Fact]
    public void Decode_CloudEventWithEmptyData_IsAScheduledSweep()
    {
        var payload = ((PayloadEvent)Sample("cloudevent-cron.json")).Payload;

        payload.Should().BeOfType<ScheduledSweepPayload>().Which.Source.Should().Contain("cronjobsources");
    }

    [Fact]
    public void Decode_CloudEventWithData_ReadsTheRequest()
    {
        var decoded = EventDecoder.Decode("""{"specversion":"1.0","id":"1","source":"s","type":"t","data":{"bucket":"bkt","key":"k","uploadId":"u"}}""");

        ((UploadsPayload)((PayloadEvent)decoded).Payload).Items.Single().Request!.UploadId.Should().Be("u");
    }

    [Fact]
    public void Decode_OpenWhiskRunBody_ReadsValue()
    {
        var decoded = EventDecoder.Decode("""{"value":{"bucket":"bkt","key":"k","uploadId":"u"}}""");

        ((UploadsPayload)((PayloadEvent)decoded).Payload).Items.Single().Request!.Key.Should().Be("k");
    }

    [Fact]
    public void Decode_RecordsThatAreNotSqs_AreNotTakenForAnSqsBatch()
    {
        var decoded = EventDecoder.Decode("""{"Records":[{"eventSource":"aws:s3"}]}""");

        Rejections(decoded).Single().Message.Should().Contain("names no upload");
    }

    private static IEnumerable<AbortResult> Rejections(DecodedEvent decoded) =>
        ((PayloadEvent)decoded).Payload switch
        {
            InvalidPayload invalid => [invalid.Rejection],
            UploadsPayload uploads => uploads.Items.Select(i => i.Rejection).OfType<AbortResult>(),
            _ => [],
        };
}
