using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.InProcess;

/// <summary>
/// The shipped dashboards name only metrics the code writes: the CloudWatch dashboard of template.yaml against the EMF
/// writer's names (and the template's own queue and function), the Grafana dashboard against what the host's /metrics
/// exposes after a report and a request.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Every metric family /metrics exposes once a report and a request have run (a histogram's series included).</summary>
    private static async Task<(HashSet<string> Names, string Text)> ExposedAsync()
    {
        var store = new ScriptedObjectStore();
        store.Add("photos", "raw/a.bin", "u1", parts: 1, initiated: Now - TimeSpan.FromDays(2));
        await using var host = await InProcessHost.StartAsync(new Settings { CloudEventsTrusted = true, Access = new AccessPolicy(["photos"], null) }, store);
        host.Time.SetUtcNow(Now);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("""{"report":{"buckets":["photos"]}}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", "dashboard-1");
        request.Headers.Add("ce-source", "/cron/report");
        request.Headers.Add("ce-type", "dev.knative.sources.ping");
        using (var response = await host.Client.SendAsync(request))
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await host.Client.GetStringAsync("metrics");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in TypeLine().Matches(text))
        {
            var name = m.Groups[1].Value;
            names.Add(name);
            if (m.Groups[2].Value == "histogram")
                names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
        }
        return (names, text);
    }

    [Fact]
    public async Task Metrics_HaveARequestDurationHistogram_ByRoute()
    {
        var (_, text) = await ExposedAsync();

        text.Should().Contain("# TYPE multipart_abort_http_request_duration_seconds histogram");
        text.Should().Contain("multipart_abort_http_request_duration_seconds_count{service=\"multipart-abort\",route=\"/\"} 1");
    }

    [Fact]
    public async Task GrafanaDashboard_NamesOnlyMetricsTheHostExposes()
    {
        var (exposed, _) = await ExposedAsync();
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "infra", "ibm", "grafana-dashboard.json")));

        var used = dashboard
            .RootElement.GetProperty("panels")
            .EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => PrometheusName().Matches(t.GetProperty("expr").GetString()!).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);

        used.Should().NotBeEmpty();
        used.Except(exposed).Should().BeEmpty("every metric a panel queries must be one /metrics exposes");
        // The panels the issue asks for, where the host has the metric.
        used.Should().Contain(["multipart_abort_incomplete_upload_bytes", "multipart_abort_incomplete_uploads", "multipart_abort_oldest_incomplete_upload_age_seconds", "multipart_abort_uploads_aborted_total", "multipart_abort_requeued_total", "multipart_abort_dead_lettered_total", "multipart_abort_failed_total", "multipart_abort_http_request_duration_seconds_bucket"]);
    }

    [Fact]
    public async Task CloudWatchDashboard_NamesOnlyMetricsTheFunctionWrites_AndTheTemplatesOwnQueueAndFunction()
    {
        var written = EmfMetrics.All(new OutcomeCounts()).Select(m => m.Key).Concat(EmfMetrics.ReportMetrics).ToHashSet(StringComparer.Ordinal);
        var template = await LoadTemplateAsync();
        var body = template.GetProperty("Resources").GetProperty("Dashboard").GetProperty("Properties").GetProperty("DashboardBody").GetProperty("Fn::Sub").GetString()!;
        using var dashboard = JsonDocument.Parse(body);

        var used = new List<(string Namespace, string Name, string? Dimension)>();
        foreach (var widget in dashboard.RootElement.GetProperty("widgets").EnumerateArray())
            foreach (var line in widget.GetProperty("properties").GetProperty("metrics").EnumerateArray())
            {
                if (line[0].ValueKind == JsonValueKind.Object)
                {
                    var expression = line[0].GetProperty("expression").GetString()!;
                    var search = SearchExpression().Match(expression);
                    search.Success.Should().BeTrue($"'{expression}' is a SEARCH of one namespace and metric name");
                    used.Add((search.Groups[1].Value, search.Groups[2].Value, null));
                }
                else
                    used.Add((line[0].GetString()!, line[1].GetString()!, line.GetArrayLength() > 3 && line[3].ValueKind == JsonValueKind.String ? line[3].GetString() : null));
            }

        var ours = used.Where(u => u.Namespace == "MultipartAbort").Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        ours.Except(written).Should().BeEmpty("every MultipartAbort metric a widget shows must be one EmfMetrics writes");
        ours.Should().Contain([EmfMetrics.IncompleteUploadBytes, EmfMetrics.IncompleteUploads, EmfMetrics.OldestIncompleteUploadAgeSeconds, EmfMetrics.UploadsAborted, EmfMetrics.Requeued, EmfMetrics.DeadLettered, EmfMetrics.Failed]);
        used.Where(u => u.Namespace == "AWS/SQS").Should().ContainSingle().Which.Dimension.Should().Be("${DeadLetterQueue.QueueName}");
        used.Where(u => u.Namespace == "AWS/Lambda").Select(u => u.Dimension).Should().NotBeEmpty().And.OnlyContain(d => d == "${MultipartAbortFunction}");
        used.Select(u => u.Namespace).Should().OnlyContain(n => n == "MultipartAbort" || n == "AWS/SQS" || n == "AWS/Lambda");
    }

    private static Task<JsonElement> LoadTemplateAsync() => CloudFormationTemplate.LoadAsync(Path.Combine(RepositoryRoot.Path, "template.yaml"));

    [GeneratedRegex(@"^# TYPE (\S+) (\w+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"\bmultipart_abort_[a-z0-9_]+")]
    private static partial Regex PrometheusName();

    [GeneratedRegex(@"^SEARCH\('\{([^,}]+),[^}]*\}.*MetricName=""(\w+)""")]
    private static partial Regex SearchExpression();
}
