using MultipartAbort.Adapters;
using MultipartAbort.Cli.DeadLetters;

namespace MultipartAbort.Tests.Cli;

/// <summary>How <c>mpa dlq</c> reads each shape the dead-letter queue can hold, and what it would feed back.</summary>
public sealed class DeadLetterEntryTests
{
    private static DeadLetterEntry Explain(string body, IReadOnlyDictionary<string, string>? attributes = null) =>
        DeadLetterEntry.Explain(new InboxMessage("id-1", body, "rh", 1, null, attributes ?? new Dictionary<string, string>()));

    [Fact]
    public void Explain_DeadLetteredRequest_KeepsItsFieldsButStartsOverAtAttemptZero()
    {
        var entry = Explain("""{"bucket":"b","key":"a/ü k","uploadId":"u","attempt":8,"reason":"parts remain","expectedBucketOwner":"123"}""");

        entry.Shape.Should().Be(DeadLetterShape.Request);
        entry.Reason.Should().Be("parts remain");
        entry.Target.Should().Be("b/a/ü k u");
        entry.RedriveBody.Should().Be("""{"bucket":"b","key":"a/ü k","uploadId":"u","expectedBucketOwner":"123","attempt":0}""");
    }

    [Fact]
    public void Explain_PoisonWrapper_FeedsBackTheWrappedBody()
    {
        var entry = Explain("""{"reason":"body is not JSON","messageId":"m-1","body":"{oops"}""");

        entry.Shape.Should().Be(DeadLetterShape.Poison);
        entry.Reason.Should().Be("body is not JSON");
        entry.Target.Should().Be("message m-1");
        entry.RedriveBody.Should().Be("{oops");
    }

    [Fact]
    public void Explain_PoisonWithoutBody_HasNothingToFeedBack()
    {
        Explain("""{"reason":"no body","body":null}""").RedriveBody.Should().BeNull();
    }

    [Fact]
    public void Explain_LambdaOnFailureRecord_FeedsBackTheRequestPayload()
    {
        var entry = Explain("""{"requestContext":{"condition":"EventAgeExceeded","functionArn":"f"},"requestPayload":{"sweep":{"bucket":"b","olderThan":"P1D"}},"responsePayload":null}""");

        entry.Shape.Should().Be(DeadLetterShape.AsyncFailure);
        entry.Reason.Should().Be("EventAgeExceeded");
        entry.RedriveBody.Should().Be("""{"sweep":{"bucket":"b","olderThan":"P1D"}}""");
    }

    [Fact]
    public void Explain_EventBridgeDeadLetterCopy_SaysWhyFromItsAttributes()
    {
        var attributes = new Dictionary<string, string> { ["ERROR_CODE"] = "NO_PERMISSIONS", ["ERROR_MESSAGE"] = "denied", ["RULE_ARN"] = "arn:rule" };

        var entry = Explain("""{"detail-type":"Scheduled Event","detail":{}}""", attributes);

        entry.Shape.Should().Be(DeadLetterShape.Original);
        entry.Reason.Should().Be("EventBridge could not deliver it: NO_PERMISSIONS denied");
        entry.Target.Should().Be("arn:rule");
        entry.RedriveBody.Should().Be("""{"detail-type":"Scheduled Event","detail":{}}""");
    }

    [Theory]
    [InlineData("not json at all", "not JSON")]
    [InlineData("[1,2]", "a JSON array")]
    [InlineData("""{"uploads":[]}""", "a batch request")]
    [InlineData("""{"bucket":"b","key":"k"}""", "a JSON object")]
    public void Explain_AnyOtherBody_IsARedriveOriginalFedBackAsItIs(string body, string about)
    {
        var entry = Explain(body);

        entry.Shape.Should().Be(DeadLetterShape.Original);
        entry.Target.Should().Be(about);
        entry.Reason.Should().Contain("maxReceiveCount");
        entry.RedriveBody.Should().Be(body);
    }
}
