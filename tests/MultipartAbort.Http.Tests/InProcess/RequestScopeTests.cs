using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Observability;
using MultipartAbort.Http;

namespace MultipartAbort.Http.Tests.InProcess;

/// <summary>The host's last line of defence: what an exception no endpoint caught becomes.</summary>
public sealed class RequestScopeTests
{
    private static async Task<(HttpContext Http, string Body, List<JsonElement> Lines)> ThrowThroughScopeAsync(params (string Name, string Value)[] headers)
    {
        var logs = new StringWriter();
        var log = new StructuredLogger(logs, "svc", LogLevel.Debug, new FakeTimeProvider());
        var scope = new RequestScope(_ => throw new InvalidOperationException("a bug, secret-free"), log, new OutcomeMetrics(new Settings()), new HostIdentity("app"));
        var http = new DefaultHttpContext { TraceIdentifier = "host-made-id" };
        http.Request.Method = "POST";
        http.Request.Path = "/run";
        foreach (var (name, value) in headers)
            http.Request.Headers[name] = value;
        var body = new MemoryStream();
        http.Response.Body = body;

        await scope.InvokeAsync(http);

        var lines = logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        return (http, System.Text.Encoding.UTF8.GetString(body.ToArray()), lines);
    }

    [Theory]
    [InlineData("X-Request-Id", "req-from-proxy")]
    [InlineData("ce-id", "cloudevent-7")]
    public async Task AnUnexpectedException_IsAJson500NamingTheCallersRequestId_AndOneCriticalLine(string header, string id)
    {
        var (http, body, lines) = await ThrowThroughScopeAsync((header, id));

        http.Response.StatusCode.Should().Be(500);
        http.Response.ContentType.Should().Be("application/json");
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("requestId").GetString().Should().Be(id);
        json.RootElement.GetProperty("error").GetString().Should().Contain(id).And.NotContain("a bug");
        var critical = lines.Should().ContainSingle(l => l.GetProperty("level").GetString() == "Critical").Subject;
        critical.GetProperty("function_request_id").GetString().Should().Be(id);
        critical.GetProperty("message").GetString().Should().Contain("InvalidOperationException");
    }

    [Fact]
    public async Task AnUnexpectedException_WithoutACallersId_NamesTheHostsOwn_WhichTheLogLineCarries()
    {
        var (http, body, lines) = await ThrowThroughScopeAsync(("X-Request-Id", "req-wins"), ("ce-id", "ce-loses"));
        var (_, ownBody, ownLines) = await ThrowThroughScopeAsync();

        JsonDocument.Parse(body).RootElement.GetProperty("requestId").GetString().Should().Be("req-wins");
        JsonDocument.Parse(ownBody).RootElement.GetProperty("requestId").GetString().Should().Be("host-made-id");
        ownLines.Single(l => l.GetProperty("level").GetString() == "Critical").GetProperty("function_request_id").GetString().Should().Be("host-made-id");
        http.Response.StatusCode.Should().Be(500);
        lines.Should().ContainSingle();
    }
}
