using System.Text.Json;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Tests.Events;

/// <summary>A refusal names what was wrong in a member a program can read: the request's field, or the rule the body broke.</summary>
public sealed class RefusalFieldTests
{
    [Theory]
    [InlineData("""{"bucket":"b-ok","key":"k","uploadId":"u","minIdle":"P5000000D"}""", "minIdle", null)]
    [InlineData("""{"bucket":"b-ok","key":"k","uploadID":"u"}""", "uploadID", null)]
    [InlineData("""{"uploads":[{"bucket":"b-ok","key":"k","uploadId":"u"},{"bucket":"b-ok","key":"","uploadId":"u"}]}""", "uploads[1].key", null)]
    [InlineData("""{"sweep":{"bucket":"b-ok","olderThan":"P١D"}}""", "sweep.olderThan", null)]
    [InlineData("""{"report":{"depth":99,"bucket":"b-ok"}}""", "report.depth", null)]
    [InlineData("""{"bucket":"b-ok","key":"k\ud800","uploadId":"u"}""", null, "text")]
    [InlineData("""{"bucket":"b-ok",""", null, "json")]
    [InlineData("""[1,2]""", null, "shape")]
    [InlineData("""{"nothing":"here"}""", null, "shape")]
    public void ARejection_NamesItsFieldOrRule_InTheResultJson(string body, string? field, string? rule)
    {
        var payload = EventDecoder.DecodeBody(System.Text.Encoding.UTF8.GetBytes(body));
        var rejection = payload switch
        {
            InvalidPayload i => i.Rejection,
            UploadsPayload u => u.Items.Select(x => x.Rejection).Last(r => r is not null)!,
            _ => throw new InvalidOperationException($"not refused: {payload}"),
        };

        var json = JsonDocument.Parse(ResultJson.Result(InvocationResult.From([rejection]))).RootElement.GetProperty("results")[0];

        json.GetProperty("outcome").GetString().Should().Be("rejected");
        (json.TryGetProperty("field", out var f) ? f.GetString() : null).Should().Be(field);
        (json.TryGetProperty("rule", out var r) ? r.GetString() : null).Should().Be(rule);
    }

    [Fact]
    public void AnUploadStartForAKeyNoRequestCouldName_NamesTheEventsField()
    {
        var payload = EventDecoder.DecodeBody(System.Text.Encoding.UTF8.GetBytes(Testing.HostileEvents.CloudTrailStart("2026-01-01T00:00:00Z", new string('k', 1025))));

        payload.Should().BeOfType<InvalidPayload>().Which.Rejection.Field.Should().Be("detail.requestParameters.key");
    }
}
