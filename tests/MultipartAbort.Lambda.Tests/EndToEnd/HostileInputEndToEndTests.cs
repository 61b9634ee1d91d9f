using System.Text.Json;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>Every event that once crashed a door, handed by the Runtime API to ONE published bootstrap.</summary>
[Collection("moto")]
public sealed class HostileInputEndToEndTests(MotoServer moto)
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3); // a hang guard

    [Fact]
    public async Task EveryHostileEvent_IsAnsweredWithARejectionNamingTheProblem_NeverAnInvocationError()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(await PublishedBootstrap.PathAsync(), LambdaEnvironment.For(moto, api, ("UPLOAD_TTL", "PT1H")));

        var failures = new List<string>();
        var i = 0;
        foreach (var (name, body, names) in HostileEvents.All)
        {
            var id = $"req-hostile-{i++}";
            var answer = await api.Enqueue(new PendingInvocation(id, "") { EventBytes = body, Deadline = DateTimeOffset.UtcNow.AddMinutes(1), TraceHeader = FakeRuntimeApi.TraceHeaderFor(id) }).WaitAsync(Guard);
            if (answer.Kind != RecordedAnswer.Response)
            {
                failures.Add($"{name}: {answer.Kind} {answer.ErrorType} {answer.Body}");
                continue;
            }
            var results = answer.Json.GetProperty("results").EnumerateArray().ToArray();
            if (results.Length == 0 || results.Any(r => r.GetProperty("outcome").GetString() != "rejected") || !results.Any(r => r.GetProperty("message").GetString()!.Contains(names, StringComparison.Ordinal)))
                failures.Add($"{name}: {answer.Body}");
        }

        failures.Should().BeEmpty("each must be answered with every result rejected, naming what was wrong");
        function.HasExited.Should().BeFalse();
        // Disposing the process checks that no line is Critical: no refusal went through the last line of defence.
    }
}
