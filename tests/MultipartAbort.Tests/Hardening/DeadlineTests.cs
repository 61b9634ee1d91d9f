using System.Text.Json;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Model;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Hardening;

/// <summary>Issue 9 defects 1 and 4: an answer is always posted before the deadline, and nothing is lost or done twice.</summary>
public class DeadlineTests
{
    [Fact]
    public async Task Batch_When1000UploadsOutlastTheDeadline_AnswersInTimeAndRequeuesWhatWasNotDone()
    {
        var h = new DeadlineHarness();
        h.Store.StuckKey = "k7";
        for (var i = 0; i < 1000; i++)
            h.Store.Add("bkt", $"k{i}", $"u{i}");
        var batch = $$"""{"uploads":[{{string.Join(",", Enumerable.Range(0, 1000).Select(i => DeadlineHarness.Upload("bkt", $"k{i}", $"u{i}")))}}]}""";

        var (response, answeredAt, deadline) = await h.InvokeAsync(batch);

        answeredAt.Should().BeBefore(deadline);
        var results = DeadlineHarness.Json(response).GetProperty("results").EnumerateArray().ToArray();
        results.Select(r => r.GetProperty("key").GetString()).Should().Equal(Enumerable.Range(0, 1000).Select(i => $"k{i}"), "every upload has exactly one result, in order");
        var outcomes = results.Select(r => r.GetProperty("outcome").GetString()).ToArray();
        outcomes.Should().OnlyContain(o => o == "aborted" || o == "requeued");
        outcomes.Should().Contain("aborted").And.Contain("requeued", "the deadline really cut the batch");
        var requeued = h.Retry.Sent.SelectMany(m => DeadlineHarness.Keys(m.Body)).ToArray();
        requeued.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(results.Where(r => r.GetProperty("outcome").GetString() == "requeued").Select(r => r.GetProperty("key").GetString()));
        h.Retry.Sent.Count.Should().BeLessThanOrEqualTo(requeued.Length / DeferredUploads.MaxPerMessage + 2, "what was not started goes in batch bodies of 100, not one message each (the stuck call's upload alone)");
        h.Store.AbortsByUpload.Values.Should().OnlyContain(n => n == 1, "no upload was aborted twice");
        foreach (var r in results.Where(r => r.GetProperty("outcome").GetString() == "aborted"))
            h.Store.Get("bkt", r.GetProperty("key").GetString()!, r.GetProperty("uploadId").GetString()!)!.Aborted.Should().BeTrue();
    }

    [Fact]
    public async Task DueTimer_CutOffAtTheWorkCutOff_IsRequeued_NotLost()
    {
        // Issue 22 defect 1: the timer ran the workflow on an unbounded budget made from the work token, so the
        // cut-off also cancelled its re-queue, and on a direct or asynchronous invoke the timer was lost (failed).
        var h = new DeadlineHarness();
        h.Store.StuckKey = "k0";
        h.Store.Add("bkt", "k0", "u0");
        var due = (WorkflowHarness.Now - TimeSpan.FromMinutes(1)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        var (response, answeredAt, deadline) = await h.InvokeAsync($$"""{"bucket":"bkt","key":"k0","uploadId":"u0","notBefore":"{{due}}"}""");

        answeredAt.Should().BeBefore(deadline);
        var result = DeadlineHarness.Json(response).GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("requeued", result.GetProperty("message").GetString());
        DeadlineHarness.Keys(h.Retry.Sent.Single().Body).Should().Equal("k0");
    }

    [Fact]
    public async Task SqsBatch_When1000RecordsOutlastTheDeadline_ListsOnlyUntouchedRecordsAndSettlesTheRest()
    {
        var h = new DeadlineHarness();
        h.Store.StuckKey = "k7";
        for (var i = 0; i < 1000; i++)
            h.Store.Add("bkt", $"k{i}", $"u{i}");
        var json = DeadlineHarness.SqsEvent(Enumerable.Range(0, 1000).Select(i => ((string?)$"m{i}", DeadlineHarness.Upload("bkt", $"k{i}", $"u{i}"))));

        var (response, answeredAt, deadline) = await h.InvokeAsync(json);

        answeredAt.Should().BeBefore(deadline);
        var listed = DeadlineHarness.Json(response).GetProperty("batchItemFailures").EnumerateArray().Select(f => int.Parse(f.GetProperty("itemIdentifier").GetString()![1..])).ToHashSet();
        listed.Should().NotBeEmpty("the deadline really cut the batch");
        var requeued = h.Retry.Sent.Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("key").GetString()).ToArray();
        requeued.Should().OnlyHaveUniqueItems();
        for (var i = 0; i < 1000; i++)
        {
            var calls = h.Store.CallsByUpload.GetValueOrDefault(("bkt", $"k{i}", $"u{i}"));
            if (listed.Contains(i))
            {
                calls.Should().Be(0, $"listed record m{i} is delivered again, so it must be untouched");
                requeued.Should().NotContain($"k{i}", "a listed record is not also re-queued");
            }
            else
            {
                (h.Store.Get("bkt", $"k{i}", $"u{i}")!.Aborted || requeued.Contains($"k{i}")).Should().BeTrue($"record m{i} was settled: aborted or re-queued");
            }
        }
        h.Store.AbortsByUpload.Values.Should().OnlyContain(n => n == 1);
        h.DeadLetter.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task SqsBatch_OfTenBatchBodies_WhenTheDeadlineComesWhileUploadsWaitForALease_ListsOnlyUntouchedRecords()
    {
        // Ten records of 100 uploads each; four start side by side, four workers each, sharing 4 leases. The first four
        // uploads of each record hang (an SDK call retrying), so whichever take the leases hold them to the work
        // cut-off, and the other workers' uploads are still waiting for a lease then. They were not started: they are
        // passed on, and their record is settled, not listed (which would repeat the uploads already passed on).
        var h = new DeadlineHarness();
        for (var i = 0; i < 1000; i++)
            h.Store.Add("bkt", $"k{i}", $"u{i}");
        h.Store.StuckKeys = Enumerable.Range(0, 1000).Where(i => i % 100 < 4).Select(i => $"k{i}").ToHashSet();
        var bodies = Enumerable.Range(0, 10).Select(r => ((string?)$"m{r}", $$"""{"uploads":[{{string.Join(",", Enumerable.Range(r * 100, 100).Select(i => DeadlineHarness.Upload("bkt", $"k{i}", $"u{i}")))}}]}"""));

        var (response, answeredAt, deadline) = await h.InvokeAsync(DeadlineHarness.SqsEvent(bodies));

        answeredAt.Should().BeBefore(deadline);
        h.Logs.ToString().Should().NotContain("unexpected");
        var listed = DeadlineHarness.Json(response).GetProperty("batchItemFailures").EnumerateArray().Select(f => int.Parse(f.GetProperty("itemIdentifier").GetString()![1..])).ToHashSet();
        var requeued = h.Retry.Sent.SelectMany(m => DeadlineHarness.Keys(m.Body)).ToArray();
        requeued.Should().OnlyHaveUniqueItems();
        for (var i = 0; i < 1000; i++)
        {
            if (listed.Contains(i / 100))
            {
                h.Store.CallsByUpload.GetValueOrDefault(("bkt", $"k{i}", $"u{i}")).Should().Be(0, $"listed record m{i / 100} is delivered again, so it must be untouched");
                requeued.Should().NotContain($"k{i}", "a listed record is not also re-queued");
            }
            else
                (h.Store.Get("bkt", $"k{i}", $"u{i}")!.Aborted || requeued.Contains($"k{i}")).Should().BeTrue($"record m{i / 100} was settled: k{i} aborted or re-queued");
        }
        requeued.Should().NotBeEmpty("the deadline really cut the records");
        h.Store.AbortsByUpload.Values.Should().OnlyContain(n => n == 1);
    }

    [Fact]
    public async Task Sweep_When1000UploadsOutlastSeveralDeadlines_ContinuesUntilEveryUploadIsAbortedOnce()
    {
        var h = new DeadlineHarness();
        h.Store.UploadsPageSize = 100;
        h.Store.StuckKey = "k0010"; // its first call hangs like an SDK call retrying for two minutes
        for (var i = 0; i < 1000; i++)
            h.Store.Add("bkt", $"k{i:D4}", $"u{i}", initiated: WorkflowHarness.Now.AddDays(-2));

        var (first, answeredAt, deadline) = await h.InvokeAsync("""{"sweep":{"bucket":"bkt","olderThan":"P1D"}}""");

        answeredAt.Should().BeBefore(deadline);
        var sweep = DeadlineHarness.Json(first).GetProperty("summary").GetProperty("sweep");
        sweep.GetProperty("continued").GetBoolean().Should().BeTrue();
        sweep.GetProperty("stopReason").GetString().Should().Be("deadline");
        sweep.GetProperty("nextKeyMarker").GetString().Should().NotBeNullOrEmpty();

        // Feed the retry queue back, one invocation per message, each with the same short budget, as SQS would.
        var invocations = 1;
        while (h.Retry.Sent.TryDequeue(out var message))
        {
            invocations++;
            invocations.Should().BeLessThan(2000, "the sweep must make progress");
            var (_, at, due) = await h.InvokeAsync(message.Body);
            at.Should().BeBefore(due);
        }

        for (var i = 0; i < 1000; i++)
            h.Store.Get("bkt", $"k{i:D4}", $"u{i}")!.Aborted.Should().BeTrue($"k{i:D4} was swept");
        h.Store.AbortsByUpload.Values.Should().OnlyContain(n => n <= 2, "an upload cut off mid-verify is re-queued once; none is swept twice");
        h.Store.AbortsByUpload.Count(kv => kv.Value == 2).Should().BeLessThanOrEqualTo(invocations * h.Settings.SweepConcurrency!.Value);
        h.DeadLetter.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task ScheduledSweeps_WhenTheFirstTargetCouldUseAllTheTime_EveryTargetGetsWorkAndItsOwnContinuation()
    {
        var h = new DeadlineHarness
        {
            Settings = new Settings
            {
                ReabortBackoff = TimeSpan.Zero,
                SweepConcurrency = 4,
                DeadlineReserve = TimeSpan.FromSeconds(10),
                SweepTargets = [new SweepTarget("first", null, TimeSpan.FromDays(1)), new SweepTarget("second", null, TimeSpan.FromDays(1))],
            },
        };
        h.Store.UploadsPageSize = 50;
        foreach (var bucket in new[] { "first", "second" })
            for (var i = 0; i < 500; i++)
                h.Store.Add(bucket, $"k{i:D4}", $"u{i}", initiated: WorkflowHarness.Now.AddDays(-2));

        var (response, answeredAt, deadline) = await h.InvokeAsync("""{"version":"0","id":"e","detail-type":"Scheduled Event","source":"aws.events","detail":{}}""");

        answeredAt.Should().BeBefore(deadline);
        var sweeps = DeadlineHarness.Json(response).GetProperty("summary").GetProperty("sweeps").EnumerateArray().ToArray();
        sweeps.Should().HaveCount(2);
        sweeps.Should().OnlyContain(s => s.GetProperty("listed").GetInt64() > 0 && s.GetProperty("aborted").GetInt64() > 0 && s.GetProperty("continued").GetBoolean());
        var continuations = h.Retry.Sent.Select(m => JsonDocument.Parse(m.Body).RootElement).Where(m => m.TryGetProperty("sweep", out _)).ToArray();
        continuations.Select(c => c.GetProperty("sweep").GetProperty("bucket").GetString()).Should().BeEquivalentTo(["first", "second"]);
    }
}
