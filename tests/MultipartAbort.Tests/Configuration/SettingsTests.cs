using MultipartAbort.Testing;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Tests.Configuration;

public class SettingsTests
{
    private static Settings Load(params (string Name, string Value)[] vars) =>
        Settings.Load(new DictionaryEnvironment(vars.ToDictionary(v => v.Name, v => (string?)v.Value)));

    [Fact]
    public void Load_WhenEmpty_UsesSpecDefaults()
    {
        var s = Load();

        s.CosEndpoint.Should().BeNull();
        s.CosRegion.Should().Be("us-east-1");
        s.ForcePathStyle.Should().BeFalse();
        s.MaxAttempts.Should().Be(8);
        s.ImmediateReaborts.Should().Be(2);
        s.RetryBaseDelay.Should().Be(TimeSpan.FromSeconds(30));
        s.WebhookSecret.Should().BeNull();
        s.WebhookTolerance.Should().Be(TimeSpan.FromMinutes(5));
        s.DryRun.Should().BeFalse();
        s.SweepConcurrency.Should().BeNull("unset means adaptive");
        s.Port.Should().Be(8080);
        s.HttpRequestTimeout.Should().Be(TimeSpan.FromSeconds(290), "just under Code Engine's default request timeout");
        s.Credentials.Kind.Should().Be(CredentialKind.DefaultChain);
    }

    [Fact]
    public void Load_WhenEndpointSet_DefaultsToPathStyle()
    {
        Load(("COS_ENDPOINT", "https://s3.eu-de.cloud-object-storage.appdomain.cloud")).ForcePathStyle.Should().BeTrue();
        Load(("COS_ENDPOINT", "https://s3.example.com"), ("COS_FORCE_PATH_STYLE", "false")).ForcePathStyle.Should().BeFalse();
    }

    [Theory]
    [InlineData("auto", PrefixListingMode.Auto)]
    [InlineData("SERVER", PrefixListingMode.Server)]
    [InlineData("local", PrefixListingMode.Local)]
    public void PrefixListing_TakesItsThreeModes(string value, PrefixListingMode expected)
    {
        Load().PrefixListing.Should().Be(PrefixListingMode.Auto);
        Load(("PREFIX_LISTING", value)).PrefixListing.Should().Be(expected);
    }

    [Fact]
    public void PrefixListing_AnythingElse_IsAConfigurationErrorNamingIt()
    {
        var act = () => Load(("PREFIX_LISTING", "minio"));

        act.Should().Throw<ConfigurationException>().WithMessage("*PREFIX_LISTING must be auto, server or local; got 'minio'*");
    }

    [Theory]
    [InlineData("PT0S", null)]
    [InlineData("PT1H", "PT2H")]
    public void MaxUploadAge_ZeroOrBelowMinUploadAge_IsAConfigurationError(string maxAge, string? minAge)
    {
        var act = () => Load(minAge is null ? [("MAX_UPLOAD_AGE", maxAge)] : [("MAX_UPLOAD_AGE", maxAge), ("MIN_UPLOAD_AGE", minAge)]);

        act.Should().Throw<ConfigurationException>().WithMessage($"*MAX_UPLOAD_AGE must be longer than PT0S and at least MIN_UPLOAD_AGE*got '{maxAge}'*");
    }

    [Fact]
    public void MaxUploadAge_UnsetByDefault_AndTakenAtOrAboveMinUploadAge()
    {
        Load().MaxUploadAge.Should().BeNull();
        Load(("MAX_UPLOAD_AGE", "P7D"), ("MIN_UPLOAD_AGE", "P7D")).MaxUploadAge.Should().Be(TimeSpan.FromDays(7));
    }

    [Theory]
    [InlineData("PT10S")]
    [InlineData("PT2H")]
    public void Load_WhenHttpRequestTimeoutLeavesNoTimeOrIsBeyondAnHour_NamesIt(string value)
    {
        var act = () => Load(("HTTP_REQUEST_TIMEOUT", value));

        act.Should().Throw<ConfigurationException>().WithMessage($"*HTTP_REQUEST_TIMEOUT must be from PT15S*got '{value}'*");
    }

    [Fact]
    public void Load_WhenDurationBad_NamesVariableAndValue()
    {
        var act = () => Load(("RETRY_BASE_DELAY", "30s"));

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("RETRY_BASE_DELAY").And.Contain("'30s'");
    }

    [Fact]
    public void Load_WhenSeveralBad_ListsEveryProblem()
    {
        var act = () => Load(("MAX_ATTEMPTS", "zero"), ("DRY_RUN", "maybe"), ("COS_ENDPOINT", "not a url"), ("SWEEP_TARGETS", "bucket-only"));

        var problems = act.Should().Throw<ConfigurationException>().Which.Problems;
        problems.Should().HaveCount(4);
        problems.Should().Contain(p => p.StartsWith("MAX_ATTEMPTS"));
        problems.Should().Contain(p => p.StartsWith("DRY_RUN"));
        problems.Should().Contain(p => p.StartsWith("COS_ENDPOINT"));
        problems.Should().Contain(p => p.StartsWith("SWEEP_TARGETS"));
    }

    [Fact]
    public void Load_WhenOnlyOneHmacKey_FailsWithoutPrintingTheSecret()
    {
        var act = () => Load(("COS_SECRET_ACCESS_KEY", "s3cr3t-value-123"));

        var ex = act.Should().Throw<ConfigurationException>().Which;
        ex.Message.Should().Contain("COS_ACCESS_KEY_ID").And.NotContain("s3cr3t-value-123");
    }

    [Fact]
    public void Secrets_NeverPrintThemselves()
    {
        var s = Load(("COS_ACCESS_KEY_ID", "AKID"), ("COS_SECRET_ACCESS_KEY", "s3cr3t-value-123"), ("WEBHOOK_SECRET", "hook-secret-456"));

        s.ToString().Should().NotContain("s3cr3t-value-123").And.NotContain("hook-secret-456");
        s.Credentials.ToString().Should().Be("HMAC key AKID");
        s.WebhookSecret!.Reveal().Should().Be("hook-secret-456");
    }

    [Fact]
    public void RetryDelayFor_DoublesFromBaseAndCapsAtFifteenMinutes()
    {
        var s = Load(("RETRY_BASE_DELAY", "PT30S"));

        s.RetryDelayFor(0).Should().Be(TimeSpan.FromSeconds(30));
        s.RetryDelayFor(1).Should().Be(TimeSpan.FromSeconds(60));
        s.RetryDelayFor(4).Should().Be(TimeSpan.FromSeconds(480));
        s.RetryDelayFor(5).Should().Be(TimeSpan.FromMinutes(15));
        s.RetryDelayFor(40).Should().Be(TimeSpan.FromMinutes(15));
    }

    [Fact]
    public void SweepTargets_ParseBucketPrefixAndAge()
    {
        var s = Load(("SWEEP_TARGETS", "photos:P1D, logs/tmp/:PT6H"));

        s.SweepTargets.Should().BeEquivalentTo([new SweepTarget("photos", null, TimeSpan.FromDays(1)), new SweepTarget("logs", "tmp/", TimeSpan.FromHours(6))]);
    }

    [Theory]
    [InlineData("photos", "photos", true)]
    [InlineData("team-*", "team-a", true)]
    [InlineData("team-*", "teams", false)]
    [InlineData("photos,logs", "logs", true)]
    [InlineData("photos", "photos2", false)]
    public void AccessPolicy_MatchesBucketGlobs(string allowed, string bucket, bool expected)
    {
        Load(("ALLOWED_BUCKETS", allowed)).Access.IsBucketAllowed(bucket).Should().Be(expected);
    }

    [Theory]
    [InlineData("https://example.test/page.html", "must start with cos:// or s3://")]
    [InlineData("cos://pages", "names no object")]
    [InlineData("s3://pages/reports/", "names no object")]
    [InlineData("cos:///p.html", "names no valid bucket")]
    public void ReportHtmlUrl_ThatCannotBeParsed_IsAConfigurationErrorNamingTheVariable(string url, string why)
    {
        var act = () => Load(("REPORT_HTML_URL", url));

        act.Should().Throw<ConfigurationException>().WithMessage($"*REPORT_HTML_URL {why}*got '{url}'*");
    }

    [Theory]
    [InlineData("cos://pages/reports/latest.html", "pages", "reports/latest.html")]
    [InlineData("S3://pages/p.html", "pages", "p.html")]
    public void ReportHtmlUrl_NamesTheBucketAndKey(string url, string bucket, string key)
    {
        Load(("REPORT_HTML_URL", url)).ReportHtml.Should().Be(new ObjectUrl(bucket, key));
    }
}
