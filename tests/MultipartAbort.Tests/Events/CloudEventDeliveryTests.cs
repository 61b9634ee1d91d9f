using System.Text;
using MultipartAbort.Core.Events;

namespace MultipartAbort.Tests.Events;

public sealed class CloudEventDeliveryTests
{
    private static RequestPayload PayloadOf(string data) => new CloudEventDelivery("id-1", "/ping", CloudEventDelivery.PingType, Encoding.UTF8.GetBytes(data)).ToPayload();

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{}")]
    [InlineData("{ }")]
    [InlineData("null")]
    [InlineData("\"\"")]
    public void ToPayload_WhenDataIsEmpty_IsAScheduledTickFromTheSource(string data)
    {
        var payload = PayloadOf(data);

        payload.Should().BeOfType<ScheduledSweepPayload>().Which.Source.Should().Be("/ping");
    }

    [Fact]
    public void ToPayload_WhenDataIsARequest_IsThatRequest()
    {
        var payload = PayloadOf("""{"bucket":"my-bucket","key":"k","uploadId":"u"}""");

        payload.Should().BeOfType<UploadsPayload>().Which.Items.Should().ContainSingle().Which.Request!.UploadId.Should().Be("u");
    }

    [Fact]
    public void ToPayload_WhenDataIsARequestQuotedAsAJsonString_IsThatRequest()
    {
        var payload = PayloadOf("\"{\\\"sweep\\\":{\\\"bucket\\\":\\\"my-bucket\\\",\\\"olderThan\\\":\\\"P1D\\\"}}\"");

        payload.Should().BeOfType<SweepPayload>().Which.Sweep.Bucket.Should().Be("my-bucket");
    }

    [Fact]
    public void ToPayload_WhenDataIsNotJson_IsInvalidNamingTheProblem()
    {
        var payload = PayloadOf("bucket=b");

        payload.Should().BeOfType<InvalidPayload>().Which.Rejection.Message.Should().Contain("not valid JSON");
    }
}
