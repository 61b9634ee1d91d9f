using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Security;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Security;

/// <summary>Who may read /metrics: the token's bearer; without a token, anyone only on a private host.</summary>
public class MetricsAccessTests
{
    private const string Token = "s3cr3t-metrics-token";

    [Theory]
    [InlineData(false, null, null, "METRICS_TOKEN is not configured")]
    [InlineData(false, null, "Bearer anything", "METRICS_TOKEN is not configured")]
    [InlineData(true, null, null, null)]
    [InlineData(false, Token, null, "Authorization: Bearer")]
    [InlineData(true, Token, null, "Authorization: Bearer")]
    [InlineData(true, Token, "Basic " + Token, "Authorization: Bearer")]
    [InlineData(true, Token, "Bearer " + Token + "x", "does not match")]
    [InlineData(true, Token, "Bearer s3cr3t", "does not match")]
    [InlineData(false, Token, "Bearer " + Token, null)]
    [InlineData(false, Token, "bearer  " + Token, null)]
    public void Refusal_FollowsTheTokenAndTheHostsTrust(bool trusted, string? token, string? header, string? refusal)
    {
        var settings = new Settings { CloudEventsTrusted = trusted, MetricsToken = token is null ? null : new Secret(token) };

        var problem = MetricsAccess.Refusal(settings, header);

        if (refusal is null)
            problem.Should().BeNull();
        else
            problem.Should().Contain(refusal).And.NotContain(Token);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("é-accent")]
    public void Load_WhenTheTokenCannotTravelInAHeader_NamesTheVariableNeverTheValue(string value)
    {
        var act = () => Settings.Load(new DictionaryEnvironment(new Dictionary<string, string?> { ["METRICS_TOKEN"] = value }));

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("METRICS_TOKEN").And.NotContain(value);
    }
}
