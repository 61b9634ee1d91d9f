using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Configuration;

/// <summary>The IBM Cloud variables: COS_API_KEY, IBM_IAM_ENDPOINT and cos:// ledgers.</summary>
public class IbmSettingsTests
{
    private const string Endpoint = "https://s3.eu-de.cloud-object-storage.appdomain.cloud";

    private static Settings Load(params (string Name, string Value)[] vars) =>
        Settings.Load(new DictionaryEnvironment(vars.ToDictionary(v => v.Name, v => (string?)v.Value)));

    [Fact]
    public void Load_WhenApiKeySet_UsesIamWithTheDefaultEndpointAndNeverPrintsTheKey()
    {
        var s = Load(("COS_ENDPOINT", Endpoint), ("COS_API_KEY", "api-key-secret-789"));

        s.Credentials.Kind.Should().Be(CredentialKind.IbmApiKey);
        s.Credentials.SecretValue!.Reveal().Should().Be("api-key-secret-789");
        s.IamEndpoint.Should().Be(new Uri("https://iam.cloud.ibm.com"));
        s.ToString().Should().NotContain("api-key-secret-789");
        s.Credentials.ToString().Should().Be("IBM IAM API key");
    }

    [Fact]
    public void Load_WhenIamEndpointSet_UsesIt()
    {
        Load(("COS_ENDPOINT", Endpoint), ("COS_API_KEY", "k"), ("IBM_IAM_ENDPOINT", "https://private.iam.cloud.ibm.com")).IamEndpoint.Should().Be(new Uri("https://private.iam.cloud.ibm.com"));
    }

    [Fact]
    public void Load_WhenApiKeyAndHmacKeys_RefusesBothWithoutPrintingEither()
    {
        var act = () => Load(("COS_ENDPOINT", Endpoint), ("COS_API_KEY", "api-key-secret-789"), ("COS_ACCESS_KEY_ID", "AKID"), ("COS_SECRET_ACCESS_KEY", "s3cr3t-value-123"));

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("COS_API_KEY").And.NotContain("api-key-secret-789").And.NotContain("s3cr3t-value-123");
    }

    [Fact]
    public void Load_WhenApiKeyWithoutEndpoint_NamesCosEndpoint()
    {
        var act = () => Load(("COS_API_KEY", "api-key-secret-789"));

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("COS_ENDPOINT").And.NotContain("api-key-secret-789");
    }

    [Fact]
    public void Load_WhenIamEndpointIsNotAUrl_NamesIt()
    {
        var act = () => Load(("COS_ENDPOINT", Endpoint), ("COS_API_KEY", "k"), ("IBM_IAM_ENDPOINT", "iam.cloud.ibm.com"));

        act.Should().Throw<ConfigurationException>().Which.Problems.Should().ContainSingle().Which.Should().StartWith("IBM_IAM_ENDPOINT");
    }

    [Theory]
    [InlineData("cos://ops-bucket/retry/", "ops-bucket", "retry/")]
    [InlineData("cos://ops-bucket/retry", "ops-bucket", "retry/")]
    [InlineData("cos://ops-bucket/a/b/", "ops-bucket", "a/b/")]
    [InlineData("cos://ops-bucket", "ops-bucket", "")]
    [InlineData("COS://ops-bucket/r/", "ops-bucket", "r/")]
    public void Load_WhenQueuesAreCosUrls_ReadsBucketAndPrefix(string url, string bucket, string prefix)
    {
        var s = Load(("RETRY_QUEUE_URL", url), ("DEAD_LETTER_QUEUE_URL", url));

        s.RetryLedger.Should().Be(new CosLocation(bucket, prefix));
        s.DeadLetterLedger.Should().Be(new CosLocation(bucket, prefix));
        s.RetryQueueUrl.Should().Be(url);
    }

    [Fact]
    public void Load_WhenRetryQueueIsSqs_HasNoLedger()
    {
        var s = Load(("RETRY_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/retry"));

        s.RetryLedger.Should().BeNull();
        s.RetryQueueUrl.Should().Be("https://sqs.us-east-1.amazonaws.com/123456789012/retry");
    }

    [Theory]
    [InlineData("cos://")]
    [InlineData("cos://ab/x/")]
    [InlineData("cos:///prefix/")]
    public void Load_WhenCosUrlNamesNoValidBucket_NamesTheVariable(string url)
    {
        var act = () => Load(("RETRY_QUEUE_URL", url));

        act.Should().Throw<ConfigurationException>().Which.Problems.Should().ContainSingle().Which.Should().StartWith("RETRY_QUEUE_URL").And.Contain("cos://bucket/prefix/");
    }

    [Fact]
    public void Load_WhenQueueUrlIsNeitherSqsNorCos_SaysWhatIsExpected()
    {
        var act = () => Load(("DEAD_LETTER_QUEUE_URL", "ftp://x/y"));

        act.Should().Throw<ConfigurationException>().Which.Message.Should().Contain("DEAD_LETTER_QUEUE_URL must be an SQS queue URL or cos://bucket/prefix/");
    }
}
