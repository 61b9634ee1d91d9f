using System.Text;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>What a batch did not start is passed on in a few batch bodies, each under SQS's size limit, and reads back as sent.</summary>
public sealed class DeferredUploadsTests
{
    private static (DeferredUploads Deferrals, RecordingQueue Retry, RecordingQueue Dead, Invocation Invocation) Create(Settings? settings = null)
    {
        var retry = new RecordingQueue();
        var dead = new RecordingQueue("memory://dlq");
        settings ??= new Settings();
        var services = FunctionServices.Create(settings, new ScriptedObjectStore(), new QueuePair(retry, dead), TextWriter.Null);
        return (new DeferredUploads(services.Workflow, settings, services.Log), retry, dead, services.Begin(null, CancellationToken.None));
    }

    [Fact]
    public async Task PassOn_1000Uploads_SendsTenBodiesThatReadBackAsTheSameUploadsAtTheNextAttempt()
    {
        var (deferrals, retry, _, invocation) = Create();
        var requests = Enumerable.Range(0, 1000).Select(i => new AbortRequest("bkt", $"k{i}", $"u{i}") { Attempt = 2 }).ToArray();

        var results = await deferrals.PassOnAsync(requests, invocation);

        results.Should().OnlyContain(r => r.Outcome == AbortOutcome.Requeued);
        results.Select(r => r.UploadId).Should().Equal(requests.Select(r => r.UploadId), "one result per upload, in order");
        results[0].Message.Should().Contain("re-queued as attempt 3").And.Contain("with 99 other upload(s)");
        retry.Sent.Should().HaveCount(10).And.OnlyContain(m => m.Delay == TimeSpan.Zero);
        var readBack = retry.Sent.SelectMany(m => ((UploadsPayload)RequestParser.ParseText(m.Body)).Items).Select(i => i.Request!).ToArray();
        readBack.Select(r => (r.Key, r.UploadId, r.Attempt)).Should().BeEquivalentTo(requests.Select(r => (r.Key, r.UploadId, 3)));
        readBack.Should().OnlyContain(r => r.Reason == "not started before the invocation's deadline");
    }

    [Fact]
    public async Task PassOn_KeysOf1024Bytes_KeepsEveryBodyUnderTheSizeLimit()
    {
        var (deferrals, retry, _, invocation) = Create();
        var requests = Enumerable.Range(0, 500).Select(i => new AbortRequest("bkt", $"{i:D4}/" + new string('é', 509), $"u{i}")).ToArray();
        Encoding.UTF8.GetByteCount(requests[0].Key).Should().Be(1023);

        var results = await deferrals.PassOnAsync(requests, invocation);

        results.Should().OnlyContain(r => r.Outcome == AbortOutcome.Requeued);
        retry.Sent.Should().OnlyContain(m => Encoding.UTF8.GetByteCount(m.Body) <= DeferredUploads.MaxMessageBytes);
        retry.Sent.SelectMany(m => ((UploadsPayload)RequestParser.ParseText(m.Body)).Items).Select(i => i.Request!.Key).Should().BeEquivalentTo(requests.Select(r => r.Key));
    }

    [Fact]
    public async Task PassOn_AnUploadOnItsLastAttempt_IsDeadLetteredOnItsOwn_AndAFailedSendFailsOnlyItsBody()
    {
        var (deferrals, retry, dead, invocation) = Create(new Settings { MaxAttempts = 3 });
        var requests = new[] { new AbortRequest("bkt", "a", "u1") { Attempt = 2 }, new AbortRequest("bkt", "b", "u2") };

        var results = await deferrals.PassOnAsync(requests, invocation);
        retry.FailWith = new QueueException("memory://queue", "AccessDenied: no", false, "AccessDenied");
        var failed = await deferrals.PassOnAsync([new AbortRequest("bkt", "c", "u3")], invocation);

        results.Select(r => r.Outcome).Should().Equal(AbortOutcome.DeadLettered, AbortOutcome.Requeued);
        dead.Sent.Should().ContainSingle().Which.Body.Should().Contain("\"uploadId\":\"u1\"");
        retry.Sent.Should().ContainSingle().Which.Body.Should().StartWith("{\"uploads\":[").And.Contain("\"uploadId\":\"u2\"");
        failed.Single().Outcome.Should().Be(AbortOutcome.Failed);
        failed.Single().Message.Should().Contain("re-queue failed").And.Contain("AccessDenied");
    }
}
