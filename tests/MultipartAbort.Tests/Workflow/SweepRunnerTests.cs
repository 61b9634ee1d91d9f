using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>Sweep paths that need a store failing on cue or a deadline already past (doubles; no moto).</summary>
public sealed class SweepRunnerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static FunctionServices Services(ScriptedObjectStore store, RecordingQueue? retry = null, Settings? settings = null) =>
        FunctionServices.Create(settings ?? new Settings(), store, new QueuePair(retry, null), TextWriter.Null, time: new FakeTimeProvider(Now));

    [Fact]
    public async Task Sweep_WhenTheDeadlineIsTooCloseToListAnything_PassesItselfOnWithAGrowingDelay()
    {
        var store = new ScriptedObjectStore();
        store.Add("bkt", "k", "u");
        var retry = new RecordingQueue();
        var settings = new Settings();

        var services = Services(store, retry, settings);
        using var context = services.Begin(Now.AddSeconds(1), CancellationToken.None);

        var (summary, counts, _) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)) { Attempt = 2 }, context);

        summary.StopReason.Should().Be(SweepRunner.StopDeadline);
        summary.Continued.Should().BeTrue("a continuation cut off before its first listing must not be lost");
        var (body, delay) = retry.Sent.Should().ContainSingle().Subject;
        delay.Should().Be(settings.RetryDelayFor(2)).And.BePositive();
        body.Should().Contain("\"attempt\":3").And.Contain("\"bucket\":\"bkt\"");
        counts[AbortOutcome.Failed].Should().Be(0);
        store.AbortCalls.Should().Be(0);
    }

    [Fact]
    public async Task Sweep_WhenTheDeadlineIsTooCloseOnTheLastAttempt_FailsWithoutReQueuingItselfForever()
    {
        var store = new ScriptedObjectStore();
        store.Add("bkt", "k", "u");
        var retry = new RecordingQueue();
        var settings = new Settings { MaxAttempts = 3 };

        var services = Services(store, retry, settings);
        using var context = services.Begin(Now.AddSeconds(1), CancellationToken.None);

        var (summary, counts, notable) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)) { Attempt = 2 }, context);

        summary.StopReason.Should().Be(SweepRunner.StopDeadline);
        summary.Continued.Should().BeFalse();
        retry.Sent.Should().BeEmpty();
        counts[AbortOutcome.Failed].Should().Be(1);
        notable.Single().Message.Should().Contain("before one upload was listed, 3 times").And.Contain("longer timeout");
        store.AbortCalls.Should().Be(0);
    }

    [Fact]
    public async Task Sweep_WhenTheListingFailsForGood_StopsWithAResumeHintAndAbortsWhatItTook()
    {
        var store = new ScriptedObjectStore { UploadsPageSize = 2 };
        foreach (var k in new[] { "a", "b", "c", "d" })
            store.Add("bkt", k, "u");
        var calls = 0;
        store.FailWith = op => op == "ListMultipartUploads" && ++calls == 2 ? new StoreException(op, "AccessDenied: no", false, "AccessDenied") : null;

        var services = Services(store);
        var (summary, counts, notable) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)), services.Begin(null, CancellationToken.None));

        summary.StopReason.Should().Be(SweepRunner.StopListingFailed);
        summary.Aborted.Should().Be(2, "the uploads of the first page were taken and finish");
        // b, the last key of the page, may have more uploads on the next: the resume point is the key before it.
        (summary.NextKeyMarker, summary.NextUploadIdMarker).Should().Be(("a", (string?)null));
        counts[AbortOutcome.Failed].Should().Be(1);
        notable.Single().Message.Should().EndWith("resume from keyMarker 'a'");
    }

    [Fact]
    public async Task Sweep_RefusedBeforeAnythingIsListed_SaysWhatTheStoreSaidAndNotToRunItAgain()
    {
        var store = new ScriptedObjectStore();
        store.Add("bkt", "a", "u");
        const string refusal = "SignatureDoesNotMatch (HTTP 403); the store refused the request's signature: check the secret key";
        store.FailWith = op => op == "ListMultipartUploads" ? new StoreException(op, refusal, false, "SignatureDoesNotMatch") : null;

        var services = Services(store);
        var (summary, counts, notable) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)), services.Begin(null, CancellationToken.None));

        summary.StopReason.Should().Be(SweepRunner.StopListingFailed);
        counts[AbortOutcome.Failed].Should().Be(1);
        notable.Single().Message.Should().Be($"sweep listing failed: ListMultipartUploads failed: {refusal}");
    }

    [Fact]
    public async Task Sweep_WhenTheListingFailsTransiently_ReQueuesAContinuationThatLosesNoUploadOfTheLastKey()
    {
        var store = new IdMarkerBlindStore { UploadsPageSize = 2 };
        foreach (var k in new[] { "a", "b", "c" })
            store.Add("bkt", k, "u");
        store.Add("bkt", "b", "v");
        store.Add("bkt", "b", "w");
        var calls = 0;
        store.FailWith = op => op == "ListMultipartUploads" && ++calls == 2 ? new StoreException(op, "InternalError", true, "InternalError") : null;
        var retry = new RecordingQueue();
        var services = Services(store, retry);

        var (summary, _, _) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)), services.Begin(null, CancellationToken.None));
        var body = retry.Sent.Should().ContainSingle().Which.Body;
        var (rest, _, _) = await services.Sweeps.RunAsync(((SweepPayload)RequestParser.ParseText(body)).Sweep, services.Begin(null, CancellationToken.None));

        summary.Continued.Should().BeTrue();
        summary.Aborted.Should().Be(2, "a/u and b/u, the first page");
        body.Should().Contain("\"keyMarker\":\"a\"").And.NotContain("uploadIdMarker").And.Contain("\"attempt\":1");
        rest.Complete.Should().BeTrue();
        rest.Aborted.Should().Be(3, "b/v and b/w, which share the last key listed, are not lost on a server that ignores upload-id-marker, nor is c");
        store.AbortCalls.Should().Be(5);
    }

    [Fact]
    public async Task Sweep_WhenStopped_FinishesWhatIsInFlightAndSaysWhereToResume()
    {
        var store = new ScriptedObjectStore();
        for (var i = 0; i < 50; i++)
            store.Add("bkt", $"k{i:D2}", "u");
        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Done == 10) stop.Cancel(); });

        var services = Services(store, settings: new Settings { SweepConcurrency = 1 });
        var (summary, counts, _) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)), services.Begin(null, CancellationToken.None, stop: stop.Token, progress: progress));

        summary.StopReason.Should().Be(SweepRunner.StopInterrupted);
        counts[AbortOutcome.Failed].Should().Be(0, "nothing in flight was cancelled");
        summary.Aborted.Should().Be(summary.Matched);
        summary.NextKeyMarker.Should().Be($"k{summary.Listed - 1:D2}");
        store.AbortCalls.Should().Be((int)summary.Aborted);
    }

    private sealed class SynchronousProgress(Action<SweepProgress> report) : IProgress<SweepProgress>
    {
        public void Report(SweepProgress value) => report(value);
    }
}
