using System.Text.Json;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Tests.Workflow;

public class AbortWorkflowTests
{
    private static readonly AbortRequest Request = new("bkt", "dir/file.bin", "u-1");

    [Fact]
    public async Task Run_WhenUploadHasParts_AbortsOnceAndVerifies()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 3);

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.Aborted);
        result.AbortCalls.Should().Be(1);
        result.PartsRemaining.Should().Be(0);
        result.BytesReclaimed.Should().Be(48);
        h.Store.AbortCalls.Should().Be(1);
        h.Retry.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_WhenPartsLandAfterAbort_ReabortsUntilClean()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 2, lateLandings: 2);

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.Aborted);
        result.AbortCalls.Should().Be(3, "the first abort and IMMEDIATE_REABORTS=2 more");
        result.Message.Should().Contain("after 3 abort calls");
        h.Retry.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_WhenPartsKeepLanding_RequeuesThenTheRequeuedRequestEndsClean()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, RetryBaseDelay = TimeSpan.FromSeconds(30) } };
        var stored = h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 2, lateLandings: 4);

        var first = await h.RunAsync(Request);

        first.Outcome.Should().Be(AbortOutcome.Requeued);
        first.AbortCalls.Should().Be(3);
        first.PartsRemaining.Should().Be(1);
        first.Message.Should().Be("1 parts remain after 3 abort calls; re-queued as attempt 1 in 30 s");
        var (body, delay) = h.Retry.Sent.Should().ContainSingle().Which;
        delay.Should().Be(TimeSpan.FromSeconds(30));

        // The re-queued message is a request the function reads as is: feed it back.
        var requeued = ((UploadsPayload)RequestParser.ParseText(body)).Items.Single().Request!;
        requeued.Should().Be(Request with { Attempt = 1, Reason = "1 parts remain after 3 abort calls" });
        var second = await h.RunAsync(requeued);

        second.Outcome.Should().Be(AbortOutcome.Aborted);
        second.Attempt.Should().Be(1);
        second.AbortCalls.Should().Be(2);
        stored.LateLandings.Should().Be(0);
        h.Store.AbortCalls.Should().Be(5);
    }

    [Fact]
    public async Task Run_WhenRequeuedAgain_DelayDoubles()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 1, lateLandings: 100);

        await h.RunAsync(Request with { Attempt = 3 });

        var (body, delay) = h.Retry.Sent.Single();
        delay.Should().Be(TimeSpan.FromSeconds(240), "PT30S doubled three times");
        JsonDocument.Parse(body).RootElement.GetProperty("attempt").GetInt32().Should().Be(4);
    }

    [Fact]
    public async Task Run_OnLastAttempt_DeadLettersWithTheReason()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 1, lateLandings: 100);

        var result = await h.RunAsync(Request with { Attempt = 7 });

        result.Outcome.Should().Be(AbortOutcome.DeadLettered);
        result.Message.Should().Be("1 parts remain after 3 abort calls on attempt 8 of 8; dead-lettered");
        h.Retry.Sent.Should().BeEmpty();
        var dead = JsonDocument.Parse(h.DeadLetter.Sent.Single().Body).RootElement;
        dead.GetProperty("uploadId").GetString().Should().Be("u-1");
        dead.GetProperty("attempt").GetInt32().Should().Be(7);
        dead.GetProperty("reason").GetString().Should().Be("1 parts remain after 3 abort calls on attempt 8 of 8");
    }

    [Fact]
    public async Task Run_WhenNoRetryQueue_PartsRemainingIsFailed()
    {
        var h = new WorkflowHarness { WithQueues = false };
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 1, lateLandings: 100);

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.Failed);
        result.Message.Should().Contain("RETRY_QUEUE_URL is not set");
    }

    [Fact]
    public async Task Run_WhenAbortSaysNoSuchUpload_IsAlreadyGone()
    {
        var h = new WorkflowHarness();

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.AlreadyGone);
        result.AbortCalls.Should().Be(1);
    }

    [Fact]
    public async Task Run_WhenServerAnswers200ForUnknownUpload_IsStillAlreadyGone()
    {
        var h = new WorkflowHarness();
        h.Store.AbortUnknownAnswersOk = true;

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.AlreadyGone, "the probe saw no upload before the abort");
        h.Store.AbortCalls.Should().Be(1);
    }

    [Fact]
    public async Task Run_WhenBucketNotAllowed_RejectsWithoutCallingTheStore()
    {
        var h = new WorkflowHarness { Settings = new Settings { Access = new AccessPolicy(["photos-*"], ["tmp/"]) } };

        var bucket = await h.RunAsync(Request);
        var key = await h.RunAsync(new AbortRequest("photos-1", "keep/x", "u"));

        bucket.Outcome.Should().Be(AbortOutcome.Rejected);
        bucket.Message.Should().Be("bucket 'bkt' is not in ALLOWED_BUCKETS");
        key.Message.Should().Be("key 'keep/x' does not start with any of ALLOWED_PREFIXES");
        (h.Store.AbortCalls + h.Store.ListPartsCalls + h.Store.ListUploadsCalls).Should().Be(0);
    }

    [Fact]
    public async Task Run_WhenUploadYoungerThanMinAge_LeavesItAlone()
    {
        var h = new WorkflowHarness { Settings = new Settings { MinUploadAge = TimeSpan.FromHours(1) } };
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 1, initiated: WorkflowHarness.Now.AddMinutes(-10));
        h.Store.Add("bkt", "dir/old.bin", "u-2", parts: 1, initiated: WorkflowHarness.Now.AddHours(-2));

        var young = await h.RunAsync(Request);
        var old = await h.RunAsync(new AbortRequest("bkt", "dir/old.bin", "u-2"));

        young.Outcome.Should().Be(AbortOutcome.Rejected);
        young.Message.Should().Contain("less than MIN_UPLOAD_AGE (PT1H) ago");
        h.Store.Get("bkt", "dir/file.bin", "u-1")!.Aborted.Should().BeFalse();
        old.Outcome.Should().Be(AbortOutcome.Aborted);
    }

    [Fact]
    public async Task Run_WhenDryRun_ReportsWouldAbortAndChangesNothing()
    {
        var h = new WorkflowHarness { Settings = new Settings { DryRun = true } };
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 2);

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.WouldAbort);
        result.PartsRemaining.Should().Be(2);
        h.Store.AbortCalls.Should().Be(0);
        h.Store.Get("bkt", "dir/file.bin", "u-1")!.Aborted.Should().BeFalse();
    }

    [Fact]
    public async Task Run_WhenTransientErrorAndRetryQueue_Requeues()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "dir/file.bin", "u-1");
        h.Store.FailWith = op => op == "AbortMultipartUpload" ? new StoreException(op, "SlowDown: reduce your request rate", true, "SlowDown") : null;

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.Requeued);
        result.Message.Should().Contain("AbortMultipartUpload failed: SlowDown");
        h.Retry.Sent.Should().ContainSingle();
    }

    [Fact]
    public async Task Run_WhenTransientErrorInSqsRecord_RequeuesTheUploadItself()
    {
        var h = new WorkflowHarness();
        h.Store.FailWith = op => new StoreException(op, "HTTP 503", true);

        var result = await h.RunAsync(Request, AbortOptions.Direct);

        result.Outcome.Should().Be(AbortOutcome.Requeued);
        h.Retry.Sent.Should().ContainSingle().Which.Body.Should().Contain("\"attempt\":1");
    }

    [Fact]
    public async Task Run_WhenTransientErrorInSqsRecordAndNoRetryQueue_IsFailedForRedelivery()
    {
        var h = new WorkflowHarness { WithQueues = false };
        h.Store.FailWith = op => new StoreException(op, "HTTP 503", true);

        var result = await h.RunAsync(Request, AbortOptions.Direct);

        result.Outcome.Should().Be(AbortOutcome.Failed);
        result.Message.Should().Be("ListParts failed: HTTP 503 (transient; retries exhausted)");
    }

    [Fact]
    public async Task Run_WhenAccessDenied_DeadLettersAsNotRetryable()
    {
        var h = new WorkflowHarness();
        h.Store.FailWith = op => new StoreException(op, "AccessDenied: Access Denied", false, "AccessDenied");

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.DeadLettered);
        result.Message.Should().Contain("AccessDenied").And.Contain("not retryable");
    }

    [Fact]
    public async Task Run_WhenBucketIsGone_IsDeadLetteredNamingNoSuchBucket()
    {
        var h = new WorkflowHarness();
        h.Store.FailWith = op => new StoreException(op, "NoSuchBucket: The specified bucket does not exist", false, "NoSuchBucket");

        var result = await h.RunAsync(Request);

        result.Outcome.Should().Be(AbortOutcome.DeadLettered);
        result.Message.Should().Contain("NoSuchBucket");
        h.DeadLetter.Sent.Should().ContainSingle().Which.Body.Should().Contain("NoSuchBucket");
    }

    [Fact]
    public async Task Run_WhenPartsSpanSeveralPages_CountsThemAll()
    {
        var h = new WorkflowHarness();
        h.Store.PartsPageSize = 2;
        h.Store.Add("bkt", "dir/file.bin", "u-1", parts: 5);

        var result = await h.RunAsync(Request);

        result.BytesReclaimed.Should().Be(5 * 16);
        h.Store.ListPartsCalls.Should().Be(3 + 1, "three pages before the abort, one NoSuchUpload after");
    }

    [Fact]
    public async Task Run_LogsOneOutcomeLinePerRequest()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "dir/file.bin", "u-1");

        await h.RunAsync(Request);

        var line = JsonDocument.Parse(h.Logs.ToString().Trim().Split('\n').Last()).RootElement;
        line.GetProperty("outcome").GetString().Should().Be("aborted");
        line.GetProperty("bucket").GetString().Should().Be("bkt");
        line.GetProperty("key").GetString().Should().Be("dir/file.bin");
        line.GetProperty("uploadId").GetString().Should().Be("u-1");
        line.GetProperty("attempt").GetInt32().Should().Be(0);
        line.GetProperty("level").GetString().Should().Be("Information");
    }
}
