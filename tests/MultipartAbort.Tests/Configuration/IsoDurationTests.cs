using MultipartAbort.Core.Configuration;

namespace MultipartAbort.Tests.Configuration;

public class IsoDurationTests
{
    [Theory]
    [InlineData("PT30S", 30)]
    [InlineData("PT15M", 900)]
    [InlineData("P1D", 86400)]
    [InlineData("P1DT12H", 129600)]
    [InlineData("P2W", 1209600)]
    [InlineData("PT0.5S", 0.5)]
    [InlineData("pt1h", 3600)]
    public void Parse_WhenValid_ReturnsSeconds(string text, double seconds)
    {
        IsoDuration.Parse(text).TotalSeconds.Should().Be(seconds);
    }

    [Theory]
    [InlineData("30", "not an ISO-8601 duration")]
    [InlineData("P", "not an ISO-8601 duration")]
    [InlineData("PT", "not an ISO-8601 duration")]
    [InlineData("P1M", "years or months")]
    [InlineData("P1Y", "years or months")]
    [InlineData("", "is empty")]
    public void TryParse_WhenInvalid_SaysWhatWasGiven(string text, string expected)
    {
        IsoDuration.TryParse(text, out _, out var error).Should().BeFalse();
        error.Should().Contain(expected);
    }

    [Theory]
    [InlineData(86400, "P1D")]
    [InlineData(30, "PT30S")]
    [InlineData(93784, "P1DT2H3M4S")]
    [InlineData(0, "PT0S")]
    public void Format_RoundTrips(double seconds, string expected)
    {
        var text = IsoDuration.Format(TimeSpan.FromSeconds(seconds));
        text.Should().Be(expected);
        IsoDuration.Parse(text).TotalSeconds.Should().Be(seconds);
    }
}
