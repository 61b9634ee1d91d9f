using System.Text;
using MultipartAbort.Core.Security;

namespace MultipartAbort.Tests.Security;

public class WebhookSignatureTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"bucket\":\"b\"}");

    [Fact]
    public void Sign_MatchesAnIndependentHmac()
    {
        // HMAC-SHA256("secret", "1767225600.{\"bucket\":\"b\"}") computed with openssl:
        // printf '%s' '1767225600.{"bucket":"b"}' | openssl dgst -sha256 -hmac secret
        const string expected = "d61b36963ca904b07a25d706d54e3d1939839b24d60691dd33ee4b6242e508d3";

        WebhookSignature.Sign("secret", 1_767_225_600, Body).Should().Be($"t=1767225600,v1={expected}");
    }

    [Fact]
    public void Verify_WhenGood_ReturnsNull()
    {
        WebhookSignature.Verify(WebhookSignature.Sign("secret", 1_767_225_600, Body), Body, "secret", Now, TimeSpan.FromMinutes(5)).Should().BeNull();
    }

    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("v1=abc", "must be t=")]
    [InlineData("t=abc,v1=00", "not a number")]
    [InlineData("t=1767225600,v1=zz", "does not match")]
    public void Verify_WhenMalformed_SaysWhy(string? header, string expected)
    {
        WebhookSignature.Verify(header, Body, "secret", Now, TimeSpan.FromMinutes(5)).Should().Contain(expected);
    }

    [Fact]
    public void Verify_WhenWrongSecretOrBody_Refuses()
    {
        var header = WebhookSignature.Sign("other", 1_767_225_600, Body);

        WebhookSignature.Verify(header, Body, "secret", Now, TimeSpan.FromMinutes(5)).Should().Contain("does not match");
        WebhookSignature.Verify(WebhookSignature.Sign("secret", 1_767_225_600, Body), Encoding.UTF8.GetBytes("{}"), "secret", Now, TimeSpan.FromMinutes(5)).Should().Contain("does not match");
    }

    [Fact]
    public void Verify_WhenOutsideTolerance_Refuses()
    {
        var old = WebhookSignature.Sign("secret", 1_767_225_600 - 301, Body);

        WebhookSignature.Verify(old, Body, "secret", Now, TimeSpan.FromMinutes(5)).Should().Contain("outside the allowed skew");
    }

    [Fact]
    public void Verify_WhenNoSecretConfigured_FailsClosed()
    {
        var header = WebhookSignature.Sign("", 1_767_225_600, Body);

        WebhookSignature.Verify(header, Body, null, Now, TimeSpan.FromMinutes(5)).Should().Contain("WEBHOOK_SECRET");
        WebhookSignature.Verify(header, Body, "", Now, TimeSpan.FromMinutes(5)).Should().Contain("WEBHOOK_SECRET");
    }
}
