using MultipartAbort.Adapters;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>A sweep cut off by the invocation's deadline re-queues itself on (moto's) SQS and the next invocation picks up exactly there.</summary>
[Collection("moto")]
public sealed class ContinuationTests(MotoServer moto)
{
    [Fact]
    public async Task Sweep_CutOffByTheDeadline_ContinuesAfterTheLastKeyListedAndAbortsEachOnce()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 40);
        var keys = SweepHarness.Keys("cont/", 250);
        var ids = await h.SeedAsync(keys);
        using var sqs = moto.CreateSqsClient();
        var queueUrl = (await sqs.CreateQueueAsync($"retry-{Guid.NewGuid():N}")).QueueUrl;
        var env = moto.FunctionEnvironment((EnvironmentVariables.RetryQueueUrl, queueUrl), (EnvironmentVariables.SweepConcurrency, "4"));
        env[EnvironmentVariables.CosEndpoint] = h.Proxy.Endpoint.ToString();
        var clock = new TickingClock(DateTimeOffset.UtcNow);
        var services = ServiceComposition.Create(new DictionaryEnvironment(env), TextWriter.Null, logLevel: LogLevel.None, time: clock);
        // 100 clock reads to the deadline, less the 10 s reserve: about 100 uploads are listed before it stops.
        using var deadline = services.Begin(clock.Start.AddMinutes(100), CancellationToken.None);
        var sweepEvent = $$$"""{"sweep": {"bucket": "{{{h.Bucket}}}", "olderThan": "P1D"}}""";

        var first = await services.Requests.RunAsync(RequestParser.ParseText(sweepEvent), AbortOptions.Direct, deadline);
        var message = (await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 1 })).Messages.Single();
        var second = await services.Requests.RunAsync(RequestParser.ParseText(message.Body), AbortOptions.Direct, services.Begin(null, CancellationToken.None));

        var cut = first.Sweeps.Single();
        cut.StopReason.Should().Be(SweepRunner.StopDeadline);
        cut.Continued.Should().BeTrue();
        cut.Listed.Should().BeInRange(1, 249);
        // After the last key listed, or, when that was the greatest key of its page (more uploads of it could follow
        // on the next), after the key before it; by key alone, so a server that ignores upload-id-marker loses none.
        cut.NextKeyMarker.Should().BeOneOf(keys[(int)cut.Listed - 1], keys[(int)cut.Listed - 2]);
        cut.NextUploadIdMarker.Should().BeNull();
        message.Body.Should().Contain("\"attempt\":1");

        var rest = second.Sweeps.Single();
        rest.Complete.Should().BeTrue();
        rest.Listed.Should().Be(250 - cut.Listed, "the continuation lists exactly what the first invocation did not");
        (cut.Aborted + rest.Aborted).Should().Be(250);
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
        (await h.RemainingIdsAsync()).Should().BeEmpty();
    }
}
