using System.Text.Json;
using System.Text.Json.Nodes;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MultipartAbort.Tests.Observability;

/// <summary>The exact JSON of an EMF line, against the CloudWatch Embedded Metric Format as Powertools writes it.</summary>
public sealed class EmfMetricsFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (EmfMetrics Metrics, StringWriter Output) Metrics(string ns = "MultipartAbort")
    {
        var output = new StringWriter();
        return (new EmfMetrics(output, ns, "multipart-abort", new FakeTimeProvider(Now)), output);
    }

    private static OutcomeCounts Counts(params AbortResult[] results)
    {
        var counts = new OutcomeCounts();
        foreach (var r in results)
            counts.Add(r);
        return counts;
    }

    private static AbortResult Result(AbortOutcome outcome, int partsRemaining = 0) => new("b", "k", "u", outcome, 0, 1, partsRemaining, "m");

    /// <summary>
    /// Powertools for .NET's own output, not written here: the EMF line of its sample function in the AWS Lambda
    /// Developer Guide ("Log and monitor C# Lambda functions", Powertools for .NET section), one Count metric
    /// (ApiRequestCount) in namespace sam-app-logging for service PowertoolsHelloWorld.
    /// </summary>
    private const string PowertoolsDotnetLine =
        """{"_aws":{"Timestamp":1676902528922,"CloudWatchMetrics":[{"Namespace":"sam-app-logging","Metrics":[{"Name":"ApiRequestCount","Unit":"Count"}],"Dimensions":[["Service"]]}]},"Service":"PowertoolsHelloWorld","ApiRequestCount":1}""";

    [Fact]
    public void Flush_WritesTheLinePowertoolsForDotnetWrites_UpToTheMetricName()
    {
        var output = new StringWriter();
        var metrics = new EmfMetrics(output, "sam-app-logging", "PowertoolsHelloWorld", new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1676902528922)));

        metrics.Flush(Counts(Result(AbortOutcome.Aborted)));

        // The same members and values (JSON object member order carries no meaning); the metric is ours, by name.
        var expected = JsonNode.Parse(PowertoolsDotnetLine.Replace("ApiRequestCount", EmfMetrics.UploadsAborted, StringComparison.Ordinal));
        var actual = JsonNode.Parse(output.ToString());
        JsonNode.DeepEquals(actual, expected).Should().BeTrue($"ours: {actual!.ToJsonString()}\nPowertools for .NET: {expected!.ToJsonString()}");
    }

    [Fact]
    public void Flush_NamesEveryOutcomeMetric_WithARootMemberForEach()
    {
        var (metrics, output) = Metrics();
        var counts = Counts(
            Result(AbortOutcome.Aborted),
            Result(AbortOutcome.Aborted),
            Result(AbortOutcome.AlreadyGone),
            Result(AbortOutcome.Requeued, partsRemaining: 3),
            Result(AbortOutcome.DeadLettered, partsRemaining: 1),
            Result(AbortOutcome.Rejected),
            Result(AbortOutcome.Failed)
        );

        metrics.Flush(counts);

        var line = JsonDocument.Parse(output.ToString()).RootElement;
        PowertoolsFormat.ShouldBeEmfLine(
            line,
            "MultipartAbort",
            "multipart-abort",
            new Dictionary<string, long>
            {
                ["UploadsAborted"] = 2,
                ["UploadsAlreadyGone"] = 1,
                ["PartsRemaining"] = 4,
                ["Requeued"] = 1,
                ["DeadLettered"] = 1,
                ["Rejected"] = 1,
                ["Failed"] = 1,
            },
            Now,
            Now
        );
    }

    [Fact]
    public void Flush_WithNothingRecorded_WritesNoLine()
    {
        var (metrics, output) = Metrics();

        metrics.Flush(new OutcomeCounts());

        output.ToString().Should().BeEmpty("Powertools writes no EMF blob without metrics");
    }

    [Fact]
    public void Flush_WritesOneLinePerCall()
    {
        var (metrics, output) = Metrics();

        metrics.Flush(Counts(Result(AbortOutcome.Aborted)));
        metrics.Flush(Counts(Result(AbortOutcome.Failed)));

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2);
    }

    [Fact]
    public void Constructor_WithoutANamespace_NamesTheVariable()
    {
        var act = () => new EmfMetrics(TextWriter.Null, " ", "multipart-abort");

        act.Should().Throw<ArgumentException>().WithMessage("*POWERTOOLS_METRICS_NAMESPACE*");
    }
}
