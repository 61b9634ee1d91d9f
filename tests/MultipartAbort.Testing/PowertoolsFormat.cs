using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AwesomeAssertions;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Testing;

/// <summary>
/// Field-by-field checks of the two published line formats: a Powertools Logging line (snake_case keys, .NET
/// level names, round-trip UTC timestamp) and a CloudWatch Embedded Metric Format line.
/// </summary>
public static partial class PowertoolsFormat
{
    public static readonly string[] LevelNames = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    public static readonly string[] OutcomeNames = AbortOutcomeNames.All.Select(o => o.ToWireName()).ToArray();

    /// <summary>The invocation keys a line must carry, and the earliest time it can have been written.</summary>
    public sealed record Invocation(string Service, bool ColdStart, string FunctionName, int MemorySize, string FunctionArn, string RequestId, string XRayTraceId, DateTimeOffset NotBefore);

    public static bool IsEmf(JsonElement line) => line.ValueKind == JsonValueKind.Object && line.TryGetProperty("_aws", out _);

    public static string? RequestIdOf(JsonElement line) => line.TryGetProperty("function_request_id", out var id) ? id.GetString() : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$")]
    private static partial Regex RoundTripUtc();

    public static void ShouldBeLogLine(JsonElement line, Invocation expected)
    {
        line.ValueKind.Should().Be(JsonValueKind.Object);
        line.GetProperty("level").GetString().Should().BeOneOf(LevelNames);
        line.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        var timestamp = line.GetProperty("timestamp").GetString()!;
        timestamp.Should().MatchRegex(RoundTripUtc().ToString());
        // Written between the test's start and now: a window, not a tolerance that a slow machine could overrun.
        DateTimeOffset.ParseExact(timestamp, "o", CultureInfo.InvariantCulture).Should().BeOnOrAfter(expected.NotBefore).And.BeOnOrBefore(DateTimeOffset.UtcNow);
        line.GetProperty("service").GetString().Should().Be(expected.Service);
        line.GetProperty("cold_start").ValueKind.Should().Be(expected.ColdStart ? JsonValueKind.True : JsonValueKind.False);
        line.GetProperty("function_name").GetString().Should().Be(expected.FunctionName);
        line.GetProperty("function_memory_size").ValueKind.Should().Be(JsonValueKind.Number);
        line.GetProperty("function_memory_size").GetInt32().Should().Be(expected.MemorySize);
        line.GetProperty("function_arn").GetString().Should().Be(expected.FunctionArn);
        line.GetProperty("function_request_id").GetString().Should().Be(expected.RequestId);
        line.GetProperty("xray_trace_id").GetString().Should().Be(expected.XRayTraceId);
        if (line.TryGetProperty("outcome", out var outcome))
        {
            outcome.GetString().Should().BeOneOf(OutcomeNames);
            line.GetProperty("bucket").ValueKind.Should().Be(JsonValueKind.String);
            line.GetProperty("key").ValueKind.Should().Be(JsonValueKind.String);
            line.GetProperty("uploadId").ValueKind.Should().Be(JsonValueKind.String);
            line.GetProperty("attempt").ValueKind.Should().Be(JsonValueKind.Number);
        }
        if (line.TryGetProperty("exception", out var exception))
        {
            exception.GetProperty("type").GetString().Should().NotBeNullOrEmpty();
            exception.GetProperty("message").ValueKind.Should().Be(JsonValueKind.String);
        }
    }

    /// <summary>
    /// An EMF line: one directive in the namespace, the service dimension, Count metrics and their values, and a
    /// timestamp from <paramref name="notBefore"/> to <paramref name="notAfter"/> (now when not given).
    /// </summary>
    public static void ShouldBeEmfLine(
        JsonElement line,
        string metricsNamespace,
        string service,
        IReadOnlyDictionary<string, long> metrics,
        DateTimeOffset notBefore,
        DateTimeOffset? notAfter = null
    )
    {
        var aws = line.GetProperty("_aws");
        aws.GetProperty("Timestamp").ValueKind.Should().Be(JsonValueKind.Number);
        var from = DateTimeOffset.FromUnixTimeMilliseconds(notBefore.ToUnixTimeMilliseconds()); // EMF keeps whole milliseconds
        DateTimeOffset.FromUnixTimeMilliseconds(aws.GetProperty("Timestamp").GetInt64()).Should().BeOnOrAfter(from).And.BeOnOrBefore(notAfter ?? DateTimeOffset.UtcNow);
        var directives = aws.GetProperty("CloudWatchMetrics");
        directives.GetArrayLength().Should().Be(1);
        var directive = directives[0];
        directive.GetProperty("Namespace").GetString().Should().Be(metricsNamespace);
        var dimensionSets = directive.GetProperty("Dimensions");
        dimensionSets.GetArrayLength().Should().Be(1);
        dimensionSets[0].EnumerateArray().Select(d => d.GetString()).Should().Equal("Service");
        var definitions = directive.GetProperty("Metrics").EnumerateArray().ToArray();
        definitions.Select(d => d.GetProperty("Name").GetString()).Should().BeEquivalentTo(metrics.Keys);
        definitions.Should().AllSatisfy(d => d.GetProperty("Unit").GetString().Should().Be("Count"));
        line.GetProperty("Service").GetString().Should().Be(service);
        foreach (var (name, value) in metrics)
        {
            line.GetProperty(name).ValueKind.Should().Be(JsonValueKind.Number, $"EMF needs a root member for metric {name}");
            line.GetProperty(name).GetInt64().Should().Be(value, $"metric {name}");
        }
    }
}
