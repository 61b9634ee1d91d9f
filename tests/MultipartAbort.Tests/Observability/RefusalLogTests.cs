using System.Text;
using System.Text.Json;
using LogLevel = MultipartAbort.Core.Observability.LogLevel;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MultipartAbort.Tests.Observability;

/// <summary>A flood of refused callers costs one Warning line a minute; the rest are at Debug, and nothing is hidden.</summary>
public sealed class RefusalLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static List<(string Level, string Message)> Lines(StringWriter output) =>
        output
            .ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("level").GetString()!, e.GetProperty("message").GetString()!))
            .ToList();

    [Fact]
    public async Task AFloodOfBadSignatures_WritesOneWarningAMinute_SayingHowManyWereRefusedSince()
    {
        var clock = new FakeTimeProvider(Now);
        var output = new StringWriter();
        var store = new ScriptedObjectStore();
        var services = FunctionServices.Create(new Settings { WebhookSecret = new Secret("s3cr3t-webhook-key") }, store, new QueuePair(null, null), output, LogLevel.Debug, clock);
        var body = Encoding.UTF8.GetBytes("""{"bucket": "bkt", "key": "k", "uploadId": "u"}""");

        async Task Flood(int n)
        {
            for (var i = 0; i < n; i++)
                (await services.Webhooks.HandleAsync("POST", "t=1, v1=00", body, null, services.Begin(null, CancellationToken.None))).Status.Should().Be(401);
        }

        await Flood(50);
        clock.Advance(TimeSpan.FromSeconds(59));
        await Flood(10);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Flood(1);

        var lines = Lines(output).Where(l => l.Message.Contains("webhook refused")).ToList();
        lines.Should().HaveCount(61, "every refusal is logged, at some level");
        var warnings = lines.Where(l => l.Level == "Warning").Select(l => l.Message).ToList();
        warnings.Should().HaveCount(2);
        warnings[0].Should().NotContain("more refused");
        warnings[1].Should().Contain("(59 more refused since the last such warning");
        lines.Count(l => l.Level == "Debug").Should().Be(59);
        store.AbortCalls.Should().Be(0);
    }

    [Fact]
    public async Task AtTheDefaultLevel_AFloodLeavesOneLine()
    {
        var output = new StringWriter();
        var services = FunctionServices.Create(new Settings(), new ScriptedObjectStore(), new QueuePair(null, null), output, LogLevel.Information, new FakeTimeProvider(Now));

        for (var i = 0; i < 100; i++)
            await services.Webhooks.HandleAsync("POST", null, "{}"u8.ToArray(), null, services.Begin(null, CancellationToken.None));

        Lines(output).Should().ContainSingle().Which.Message.Should().StartWith("webhook refused");
    }
}
