using System.Net.Http.Headers;
using System.Text.Json;
using MultipartAbort.Core.Security;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>Every event that once crashed a door, sent to ONE published host, as a webhook and as a binary-mode CloudEvent (signed).</summary>
[Collection("moto")]
public sealed class HostileInputTests(MotoServer moto) : HostTestBase(moto)
{
    private static HttpRequestMessage SignedPost(byte[] body, bool cloudEvent)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(HostRequests.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));
        if (cloudEvent)
        {
            request.Headers.Add("ce-specversion", "1.0");
            request.Headers.Add("ce-id", "hostile-1");
            request.Headers.Add("ce-source", "/test/hostile");
            request.Headers.Add("ce-type", "com.example.hostile");
        }
        return request;
    }

    /// <summary>The refusal's words: a 400's error, or the messages of a 400 or 200 whose every result is rejected; else null.</summary>
    private static string? Refusal(int status, JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object)
            return null;
        if (status == 400 && answer.TryGetProperty("error", out var error))
            return error.GetString();
        if (status is not (200 or 400) || !answer.TryGetProperty("results", out var results) || results.GetArrayLength() == 0)
            return null;
        var all = results.EnumerateArray().ToArray();
        return all.All(r => r.GetProperty("outcome").GetString() == "rejected") ? string.Join("; ", all.Select(r => r.GetProperty("message").GetString())) : null;
    }

    [Fact]
    public async Task EveryHostileEvent_IsACleanRefusalNamingTheProblem_AtBothDoors_AndTheHostLogsNoCriticalLine()
    {
        await using var host = await HostProcess.StartAsync(Environment(extra: ("UPLOAD_TTL", "PT1H")));

        var failures = new List<string>();
        foreach (var (name, body, names) in HostileEvents.All)
            foreach (var cloudEvent in new[] { false, true })
            {
                var (status, answer) = await host.SendAsync(SignedPost(body, cloudEvent));
                var door = cloudEvent ? "CloudEvent" : "webhook";
                var refusal = Refusal(status, answer);
                // A CloudEvent's data is a request or an audit record, not an EventBridge envelope: there only the refusal is checked.
                if (refusal is null || (!cloudEvent && !refusal.Contains(names, StringComparison.Ordinal)))
                    failures.Add($"{name} ({door}): {status} {(answer.ValueKind == JsonValueKind.Undefined ? "(no body)" : answer.ToString())}");
            }

        failures.Should().BeEmpty("each must be a 400 or a 200 with every result rejected, naming what was wrong");
        host.HasExited.Should().BeFalse();
        // Disposing the host checks that no line is Critical: no refusal went through the last line of defence.
    }
}
