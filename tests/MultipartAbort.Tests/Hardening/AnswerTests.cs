using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Hardening;

/// <summary>Issue 9 defects 12 to 14: the verdict of an answer, error classification, and the answer's size bound.</summary>
public class AnswerTests
{
    private static Task<Core.Handlers.EventAnswer> Invoke(WorkflowHarness h, string json)
    {
        var services = h.Services();
        return services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));
    }

    [Fact]
    public async Task Verdict_SqsEventWithAListedRecord_IsNotSucceeded()
    {
        var h = new WorkflowHarness { WithQueues = false };

        var response = await Invoke(h, DeadlineHarness.SqsEvent([("m1", "not json")]));

        response.BodyText.Should().Contain("m1");
        response.Succeeded.Should().BeFalse();
    }

    [Theory]
    [InlineData("GET", 405)]
    [InlineData("POST", 401)]
    public async Task Verdict_HttpEventAnsweredWithAnError_IsNotSucceeded(string method, int status)
    {
        var h = new WorkflowHarness { Settings = new Settings { WebhookSecret = new Secret("hook") } };
        var http = $$$"""{"version":"2.0","rawPath":"/","headers":{},"requestContext":{"http":{"method":"{{{method}}}","path":"/"}},"body":"{}","isBase64Encoded":false}""";

        var response = await Invoke(h, http);

        JsonDocument.Parse(response.Body).RootElement.GetProperty("statusCode").GetInt32().Should().Be(status);
        response.Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task Verdict_CleanSqsEvent_Succeeded()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "k", "u");

        var response = await Invoke(h, DeadlineHarness.SqsEvent([("m1", DeadlineHarness.Upload("bkt", "k", "u"))]));

        response.Succeeded.Should().BeTrue();
    }

    public static TheoryData<Exception, bool, string> SdkFailures =>
        new()
        {
            { new AmazonClientException("Bucket name is invalid"), false, "rejected by the SDK before sending" },
            { new AmazonClientException("request failed", new HttpRequestException("Connection reset by peer")), true, "network error" },
            { new HttpRequestException("Connection refused"), true, "network error" },
            { new IOException("The response ended prematurely"), true, "network error" },
            { new System.Xml.XmlException("Unexpected end of file"), true, "network error" },
            { new InvalidCastException("odd"), false, "unexpected InvalidCastException" },
            { new AmazonS3Exception("Please reduce your request rate.", ErrorType.Receiver, "SlowDown", "r", (HttpStatusCode)503), true, "SlowDown" },
            { new AmazonS3Exception("We encountered an internal error.", ErrorType.Receiver, "InternalError", "r", HttpStatusCode.InternalServerError), true, "InternalError" },
            { new AmazonS3Exception("The specified bucket does not exist", ErrorType.Sender, "NoSuchBucket", "r", HttpStatusCode.NotFound), false, "NoSuchBucket" },
            { new AmazonS3Exception("Access Denied", ErrorType.Sender, "AccessDenied", "r", HttpStatusCode.Forbidden), false, "AccessDenied" },
            { new TaskCanceledException("HttpClient.Timeout elapsed"), true, "timed out" },
        };

    [Theory]
    [MemberData(nameof(SdkFailures))]
    public void StoreTranslate_ClassifiesByWhatTheErrorIs(Exception failure, bool transient, string named)
    {
        var translated = S3ObjectStore.Translate("ListParts", failure, CancellationToken.None);

        translated.Should().NotBeNull("nothing escapes the port untranslated");
        translated!.IsTransient.Should().Be(transient);
        translated.Message.Should().Contain(named);
    }

    [Theory]
    [InlineData("ThrottlingException", 400, true)]
    [InlineData("AWS.SimpleQueueService.RequestThrottled", 403, true)]
    [InlineData("RequestThrottled", 400, true)]
    [InlineData("AccessDenied", 403, false)]
    [InlineData("AWS.SimpleQueueService.NonExistentQueue", 400, false)]
    [InlineData("InternalError", 500, true)]
    public void QueueFailure_ThrottlingIsTransientAndRefusalsArePermanent(string code, int status, bool transient)
    {
        FailureKind.IsTransientServiceError(status, code).Should().Be(transient);
    }

    private static AbortResult Clean(int i) => new("bkt", new string('k', 1000) + i, "u" + i, AbortOutcome.Aborted, 0, 1, 0, "aborted; ListParts confirms no part remains");

    [Fact]
    public void Answer_WhenResultsPassTheSizeBound_KeepsCountsCompleteAndResultsNeedingAttentionFirst()
    {
        var results = Enumerable.Range(0, 1000).Select(Clean).ToList();
        results[500] = results[500] with { Outcome = AbortOutcome.Failed, Message = "SlowDown" };
        var answer = InvocationResult.From(results);

        var json = JsonDocument.Parse(ResultJson.Result(answer, maxResultsBytes: 100_000)).RootElement;

        var kept = json.GetProperty("results").EnumerateArray().ToArray();
        kept.Length.Should().BeLessThan(1000);
        kept.Should().Contain(r => r.GetProperty("outcome").GetString() == "failed");
        json.GetProperty("summary").GetProperty("aborted").GetInt32().Should().Be(999);
        json.GetProperty("summary").GetProperty("failed").GetInt32().Should().Be(1);
        json.GetProperty("truncated").GetProperty("omittedResults").GetInt32().Should().Be(1000 - kept.Length);
    }

    [Fact]
    public void Answer_ForTheLargestBatchOfTheLongestKeys_StaysUnderLambdasResponseLimitEvenInsideAnHttpAnswer()
    {
        // 1,000 results whose 1,024-byte keys are all control characters (6 bytes each once escaped) and a message naming them.
        var key = new string('\u0001', 1024);
        var results = Enumerable.Range(0, 1000).Select(i => new AbortResult("bkt", key, "u" + i, AbortOutcome.Failed, 0, 1, 0, "failed for " + key)).ToList();

        var body = ResultJson.ResultText(InvocationResult.From(results));
        var http = JsonSerializer.Serialize(new Core.Events.HttpProxyResponse(200, new() { ["Content-Type"] = "application/json" }, body, false), EventJsonContext.Default.HttpProxyResponse);

        Encoding.UTF8.GetByteCount(http).Should().BeLessThan(6 * 1024 * 1024);
        body.Should().Contain("\"truncated\"");
    }

    [Fact]
    public void Answer_WhenResultsFit_HasNoTruncatedMarker()
    {
        ResultJson.ResultText(InvocationResult.From([Clean(1)])).Should().NotContain("truncated");
    }
}
