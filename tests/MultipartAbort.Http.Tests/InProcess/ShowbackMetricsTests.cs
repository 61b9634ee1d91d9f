using System.Net;
using System.Text;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.InProcess;

/// <summary>
/// Showback on /metrics: a complete report with "by" sets gauges of their own per group (at most byTop and (other)); the
/// report gauges keep their names and labels, and a report without "by" leaves the groups' figures as they were.
/// </summary>
public sealed class ShowbackMetricsTests
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

    private static async Task<string[]> LinesAsync(InProcessHost host, string contains) =>
        (await host.Client.GetStringAsync("metrics")).Split('\n').Where(l => l.StartsWith("multipart_abort_", StringComparison.Ordinal) && l.Contains(contains, StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task ReportByOwner_SetsByPrincipalGauges_TopNThenOther_AndAReportWithoutByLeavesThem()
    {
        var store = new ScriptedObjectStore();
        store.Add("photos", "a", "u1", parts: 3, initiated: Now - TimeSpan.FromDays(2)).Owner = new UploadPrincipal("team-a", "Team A");
        store.Add("photos", "b", "u2", parts: 2, initiated: Now - TimeSpan.FromDays(2)).Owner = new UploadPrincipal("team-b", null);
        store.Add("logs", "c", "u3", parts: 1, initiated: Now - TimeSpan.FromDays(2));
        await using var host = await InProcessHost.StartAsync(new Settings { CloudEventsTrusted = true, Access = new AccessPolicy(["photos", "logs"], null) }, store);
        host.Time.SetUtcNow(Now);

        var asked = await PostCloudEventAsync(host, """{"report":{"buckets":["photos","logs"],"by":"owner","byTop":1}}""");
        var afterAsked = await LinesAsync(host, "by_principal");
        var bucketGauges = await LinesAsync(host, "incomplete_upload_bytes{");
        await store.AbortAsync(new UploadRef("photos", "a", "u1"), CancellationToken.None);
        var plain = await PostCloudEventAsync(host, """{"report":{"buckets":["photos","logs"]}}""");
        var afterPlain = await LinesAsync(host, "by_principal");

        (asked, plain).Should().Be((HttpStatusCode.OK, HttpStatusCode.OK));
        string Line(string name, string principal, long value) => $"multipart_abort_{name}_by_principal{{service=\"multipart-abort\",by=\"owner\",principal=\"{principal}\"}} {value}";
        afterAsked.Should().BeEquivalentTo(
            Line("incomplete_uploads", "team-a", 1), Line("incomplete_upload_parts", "team-a", 3), Line("incomplete_upload_bytes", "team-a", 48), Line("oldest_incomplete_upload_age_seconds", "team-a", 172800), Line("incomplete_upload_bytes_not_covered", "team-a", 48),
            Line("incomplete_uploads", "(other)", 2), Line("incomplete_upload_parts", "(other)", 3), Line("incomplete_upload_bytes", "(other)", 48), Line("oldest_incomplete_upload_age_seconds", "(other)", 172800), Line("incomplete_upload_bytes_not_covered", "(other)", 48)
        );
        bucketGauges.Should().BeEquivalentTo(
            "multipart_abort_incomplete_upload_bytes{service=\"multipart-abort\",bucket=\"logs\",prefix=\"\"} 16",
            "multipart_abort_incomplete_upload_bytes{service=\"multipart-abort\",bucket=\"photos\",prefix=\"\"} 80"
        );
        afterPlain.Should().BeEquivalentTo(afterAsked, "a report that did not ask for groups says nothing about them");
    }
}
