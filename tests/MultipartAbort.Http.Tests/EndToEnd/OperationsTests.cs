using System.Text.Json;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;
using static MultipartAbort.Http.Tests.Infrastructure.HostRequests;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>Readiness, Prometheus metrics, start-up failures, logs, and SIGTERM with a request in flight.</summary>
[Collection("moto")]
public sealed class OperationsTests(MotoServer moto) : HostTestBase(moto)
{
    [Fact]
    public async Task Healthz_WhenServing_Answers200Ready()
    {
        await using var host = await HostProcess.StartAsync(Environment());

        var (status, body) = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/healthz"));

        status.Should().Be(200);
        body.GetProperty("status").GetString().Should().Be("ready");
    }

    [Fact]
    public async Task Metrics_AfterRequests_CountTheirOutcomesAndStatusesInPrometheusTextFormat()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(extra: ("METRICS_TOKEN", MetricsToken)));
        var good = AbortRequest(bucket, key, uploadId);
        var malformed = """{"bucket":"some-bucket"}""";
        (await host.SendAsync(Post("/", good).Signed(good))).Status.Should().Be(200);
        (await host.SendAsync(Post("/", malformed).Signed(malformed))).Status.Should().Be(200, "an upload without key and uploadId is rejected");
        (await host.SendAsync(Post("/", good))).Status.Should().Be(401);

        using var response = await host.Client.SendAsync(Scrape(MetricsToken));
        var text = await response.Content.ReadAsStringAsync();

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var samples = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        samples.Should().Contain("multipart_abort_uploads_aborted_total{service=\"multipart-abort\"} 1");
        samples.Should().Contain("multipart_abort_rejected_total{service=\"multipart-abort\"} 1");
        samples.Should().Contain("multipart_abort_failed_total{service=\"multipart-abort\"} 0");
        samples.Should().Contain("multipart_abort_http_requests_total{service=\"multipart-abort\",route=\"/\",status=\"401\"} 1");
        samples.Should().Contain("multipart_abort_http_requests_total{service=\"multipart-abort\",route=\"/\",status=\"200\"} 2");
        text.Should().Contain("# TYPE multipart_abort_uploads_already_gone_total counter");
        text.Should().Contain("# TYPE multipart_abort_parts_remaining_total counter");
    }

    private const string MetricsToken = "metrics-token-0123456789abcdef";

    private static HttpRequestMessage Scrape(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (token is not null)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>A signed report of the bucket, so the gauges carry its name.</summary>
    private static async Task ReportAsync(HostProcess host, string bucket)
    {
        var body = $$$"""{"report":{"buckets":["{{{bucket}}}"]}}""";
        (await host.SendAsync(Post("/", body).Signed(body))).Status.Should().Be(200);
    }

    [Fact]
    public async Task Metrics_WithAToken_AreServedOnlyToTheBearerOfThatToken()
    {
        var (bucket, _, _) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(extra: ("METRICS_TOKEN", MetricsToken)));
        await ReportAsync(host, bucket);

        using var none = await host.Client.SendAsync(Scrape(null));
        using var wrong = await host.Client.SendAsync(Scrape(MetricsToken + "x"));
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        basic.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", MetricsToken);
        using var basicAnswer = await host.Client.SendAsync(basic);
        using var right = await host.Client.SendAsync(Scrape(MetricsToken));

        foreach (var refused in new[] { none, wrong, basicAnswer })
        {
            ((int)refused.StatusCode).Should().Be(401);
            refused.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer");
            var text = await refused.Content.ReadAsStringAsync();
            text.Should().Contain("METRICS_TOKEN").And.NotContain(bucket).And.NotContain(MetricsToken);
        }
        ((int)right.StatusCode).Should().Be(200);
        (await right.Content.ReadAsStringAsync()).Should().Contain($"bucket=\"{bucket}\"").And.Contain("# TYPE multipart_abort_uploads_aborted_total counter");
        (await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/healthz"))).Status.Should().Be(200, "readiness says nothing but ready or stopping");
        string.Join('\n', host.StdoutLines).Should().NotContain(MetricsToken);
    }

    [Fact]
    public async Task Metrics_BehindSignedDoorsWithoutAToken_AreRefusedNamingMetricsToken()
    {
        var (bucket, _, _) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment());
        await ReportAsync(host, bucket);

        using var response = await host.Client.SendAsync(Scrape(null));
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).Should().Be(401);
        text.Should().Contain("METRICS_TOKEN is not configured").And.NotContain(bucket);
    }

    [Fact]
    public async Task Metrics_OnAPrivateHostWithoutAToken_StayOpen()
    {
        var (bucket, _, _) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(trusted: true));
        await ReportAsync(host, bucket);

        using var response = await host.Client.SendAsync(Scrape(null));

        ((int)response.StatusCode).Should().Be(200);
        (await response.Content.ReadAsStringAsync()).Should().Contain($"bucket=\"{bucket}\"");
    }

    [Fact]
    public async Task Logs_AreOneJsonObjectPerLineInThePowertoolsSchema()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        await using var host = await HostProcess.StartAsync(Environment(extra: ("CE_APP", "multipart-abort-app")));
        var body = AbortRequest(bucket, key, uploadId);
        using var request = Post("/", body).Signed(body);
        request.Headers.Add("X-Request-Id", "req-0001");

        await host.SendAsync(request);
        var outcome = await host.WaitForLineAsync(l => l.TryGetProperty("outcome", out _));

        outcome.GetProperty("level").GetString().Should().Be("Information");
        outcome.GetProperty("service").GetString().Should().Be("multipart-abort");
        outcome.GetProperty("function_name").GetString().Should().Be("multipart-abort-app");
        outcome.GetProperty("function_request_id").GetString().Should().Be("req-0001");
        outcome.GetProperty("uploadId").GetString().Should().Be(uploadId);
        host.JsonLines.Should().AllSatisfy(l => l.GetProperty("timestamp").GetString().Should().EndWith("Z"));
        string.Join('\n', host.StdoutLines).Should().NotContain(Secret);
    }

    [Fact]
    public async Task Start_WhenTheConfigurationIsWrong_LogsOneJsonLineNamingTheVariableAndExitsNonZero()
    {
        var env = Environment(extra: ("MAX_ATTEMPTS", "lots"));
        await using var host = await HostProcess.StartAsync(env, waitUntilReady: false);

        var exitCode = await host.WaitForExitAsync();

        exitCode.Should().Be(1);
        var line = host.JsonLines.Should().ContainSingle().Subject;
        line.GetProperty("level").GetString().Should().Be("Critical");
        line.GetProperty("message").GetString().Should().Contain("MAX_ATTEMPTS");
        string.Join('\n', host.StdoutLines).Should().NotContain(Secret);
    }

    [Fact]
    public async Task Sigterm_WhileARequestIsInFlight_FinishesItThenExitsZero()
    {
        var (bucket, key, uploadId) = await UploadAsync();
        var held = new HeldRequests(bucket);
        await using var store = await LoopbackS3Proxy.StartAsync(Moto.Endpoint, held);
        var env = Environment();
        env["COS_ENDPOINT"] = store.Endpoint.ToString();
        await using var host = await HostProcess.StartAsync(env);
        var body = AbortRequest(bucket, key, uploadId);
        var inFlight = host.SendAsync(Post("/", body).Signed(body));
        await held.FirstHeld.WaitAsync(TimeSpan.FromSeconds(60));

        host.Terminate();
        await host.WaitForLineAsync(l => l.GetProperty("message").GetString()!.StartsWith("stopping", StringComparison.Ordinal));
        held.Release();
        var (status, result) = await inFlight.WaitAsync(TimeSpan.FromSeconds(60));
        var exitCode = await host.WaitForExitAsync();

        status.Should().Be(200);
        result.Outcome().Should().Be("aborted");
        exitCode.Should().Be(0);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull();
    }
}
