using System.Net;
using System.Text;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.InProcess;

/// <summary>
/// The HTTP host keeps the last report's figures as Prometheus gauges on /metrics: a report replaces the figures of the
/// buckets it read in full; the others keep theirs.
/// </summary>
public sealed class ReportMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static async Task<HttpStatusCode> PostCloudEventAsync(InProcessHost host, string data)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(data, Encoding.UTF8, "application/json") };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", Guid.NewGuid().ToString("N"));
        request.Headers.Add("ce-source", "/cron/report");
        request.Headers.Add("ce-type", "dev.knative.sources.ping");
        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string[]> GaugeLinesAsync(InProcessHost host) =>
        (await host.Client.GetStringAsync("metrics")).Split('\n').Where(l => l.StartsWith("multipart_abort_", StringComparison.Ordinal) && (l.Contains("incomplete_upload", StringComparison.Ordinal))).ToArray();

    [Fact]
    public async Task ReportEvent_SetsOneGaugePerBucketAndPrefix_AndTheNextReportReplacesTheBucketsItReads()
    {
        var store = new ScriptedObjectStore();
        store.Add("photos", "raw/a.bin", "u1", parts: 3, initiated: Now - TimeSpan.FromDays(2));
        store.Add("photos", "top.bin", "u2", parts: 1, initiated: Now - TimeSpan.FromHours(5));
        store.Add("logs", "x/y.gz", "u3", parts: 2, initiated: Now - TimeSpan.FromSeconds(90));
        await using var host = await InProcessHost.StartAsync(new Settings { CloudEventsTrusted = true, Access = new AccessPolicy(["photos", "logs"], null) }, store);
        host.Time.SetUtcNow(Now);

        var first = await PostCloudEventAsync(host, """{"report":{"buckets":["photos","logs"],"depth":1}}""");
        var afterFirst = await GaugeLinesAsync(host);
        await store.AbortAsync(new MultipartAbort.Core.Ports.UploadRef("photos", "raw/a.bin", "u1"), CancellationToken.None);
        var second = await PostCloudEventAsync(host, """{"report":{"buckets":["photos","not-allowed"],"depth":1}}""");
        var afterSecond = await GaugeLinesAsync(host);

        first.Should().Be(HttpStatusCode.OK);
        // No bucket has a lifecycle configuration here: every byte is not covered.
        string Line(string name, string bucket, string prefix, long value) => $"multipart_abort_{name}{{service=\"multipart-abort\",bucket=\"{bucket}\",prefix=\"{prefix}\"}} {value}";
        afterFirst.Should().BeEquivalentTo(
            Line("incomplete_uploads", "logs", "", 1), Line("incomplete_upload_parts", "logs", "", 2), Line("incomplete_upload_bytes", "logs", "", 32), Line("oldest_incomplete_upload_age_seconds", "logs", "", 90), Line("incomplete_upload_bytes_not_covered", "logs", "", 32),
            Line("incomplete_uploads", "logs", "x/", 1), Line("incomplete_upload_parts", "logs", "x/", 2), Line("incomplete_upload_bytes", "logs", "x/", 32), Line("oldest_incomplete_upload_age_seconds", "logs", "x/", 90), Line("incomplete_upload_bytes_not_covered", "logs", "x/", 32),
            Line("incomplete_uploads", "photos", "", 2), Line("incomplete_upload_parts", "photos", "", 4), Line("incomplete_upload_bytes", "photos", "", 64), Line("oldest_incomplete_upload_age_seconds", "photos", "", 172800), Line("incomplete_upload_bytes_not_covered", "photos", "", 64),
            Line("incomplete_uploads", "photos", "/", 1), Line("incomplete_upload_parts", "photos", "/", 1), Line("incomplete_upload_bytes", "photos", "/", 16), Line("oldest_incomplete_upload_age_seconds", "photos", "/", 18000), Line("incomplete_upload_bytes_not_covered", "photos", "/", 16),
            Line("incomplete_uploads", "photos", "raw/", 1), Line("incomplete_upload_parts", "photos", "raw/", 3), Line("incomplete_upload_bytes", "photos", "raw/", 48), Line("oldest_incomplete_upload_age_seconds", "photos", "raw/", 172800), Line("incomplete_upload_bytes_not_covered", "photos", "raw/", 48)
        );
        second.Should().Be(HttpStatusCode.OK);
        afterSecond.Should().BeEquivalentTo(
            [
                Line("incomplete_uploads", "logs", "", 1), Line("incomplete_upload_parts", "logs", "", 2), Line("incomplete_upload_bytes", "logs", "", 32), Line("oldest_incomplete_upload_age_seconds", "logs", "", 90), Line("incomplete_upload_bytes_not_covered", "logs", "", 32),
                Line("incomplete_uploads", "logs", "x/", 1), Line("incomplete_upload_parts", "logs", "x/", 2), Line("incomplete_upload_bytes", "logs", "x/", 32), Line("oldest_incomplete_upload_age_seconds", "logs", "x/", 90), Line("incomplete_upload_bytes_not_covered", "logs", "x/", 32),
                Line("incomplete_uploads", "photos", "", 1), Line("incomplete_upload_parts", "photos", "", 1), Line("incomplete_upload_bytes", "photos", "", 16), Line("oldest_incomplete_upload_age_seconds", "photos", "", 18000), Line("incomplete_upload_bytes_not_covered", "photos", "", 16),
                Line("incomplete_uploads", "photos", "/", 1), Line("incomplete_upload_parts", "photos", "/", 1), Line("incomplete_upload_bytes", "photos", "/", 16), Line("oldest_incomplete_upload_age_seconds", "photos", "/", 18000), Line("incomplete_upload_bytes_not_covered", "photos", "/", 16),
            ],
            "photos was read again (its raw/ prefix is gone), logs was not in this report and keeps its figures, and a refused bucket sets none"
        );
    }
}
