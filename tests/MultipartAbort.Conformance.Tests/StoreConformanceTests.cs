using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// One suite, two stores: the function with the real SDK against moto and against Ceph RGW, over HTTP. Where the stores
/// differ (the README's store table), the assertion reads the difference from <see cref="S3Store"/>; everything else
/// must hold on both.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class StoreConformanceTests(Stores stores)
{
    /// <summary>Keys that S3 sorts file, file name, file-x, file.txt, file/inner, fileé and RGW sorts otherwise.</summary>
    private static readonly string[] OrderedUnlikeS3 = ["file", "file name", "file-x", "file.txt", "file/inner", "fileé"];

    private FunctionServices Services(S3Store store, Uri? through = null, TimeProvider? time = null, params (string Name, string? Value)[] env)
    {
        var all = store.StoreEnvironment(through);
        all[EnvironmentVariables.SqsEndpoint] = stores.Moto.Endpoint.ToString();
        foreach (var (name, value) in env)
            all[name] = value;
        return ServiceComposition.Create(new DictionaryEnvironment(all), TextWriter.Null, logLevel: LogLevel.None, time: time);
    }

    private static async Task<IReadOnlyList<AbortResult>> InvokeAsync(FunctionServices services, object request)
    {
        var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request)), services.Begin(null, CancellationToken.None));
        return response.Result!.Results;
    }

    private static Dictionary<string, object> Request(string bucket, string key, string uploadId) => new() { ["bucket"] = bucket, ["key"] = key, ["uploadId"] = uploadId };

    private async Task<string> QueueAsync(string name)
    {
        using var sqs = stores.Moto.CreateSqsClient();
        return (await sqs.CreateQueueAsync($"{name}-{Guid.NewGuid():N}")).QueueUrl;
    }

    /// <summary>Starts <paramref name="count"/> uploads spread over <paramref name="keys"/>, several at once; returns their ids.</summary>
    private static async Task<string[]> SeedManyAsync(AmazonS3Client s3, string bucket, IReadOnlyList<string> keys, int count)
    {
        var ids = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => ids.Add((await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = keys[i % keys.Count] }, ct)).UploadId)
        );
        return [.. ids];
    }

    [Theory, OnMoto, OnRgw]
    public async Task Abort_UploadsWithNoneOneAndThreeParts_AreAbortedAndListPartsFindsThemGone(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var services = Services(store);

        foreach (var parts in new[] { 0, 1, 3 })
        {
            var key = $"data/{parts}-parts.bin";
            var uploadId = await seeder.UploadAsync(bucket, key, parts, partSize: 1024);

            var result = (await InvokeAsync(services, Request(bucket, key, uploadId))).Single();

            result.Outcome.Should().Be(AbortOutcome.Aborted, result.Message);
            result.AbortCalls.Should().Be(1);
            result.BytesReclaimed.Should().Be(parts * 1024L);
            (await seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull($"the upload with {parts} parts is gone");
        }
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    [Theory, OnMoto, OnRgw]
    public async Task Abort_KeysThatNeedEscapingOrAreLong_AreAbortedAsNamed(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var services = Services(store);
        string[] keys = ["with space.bin", "a+b", "café/é.txt", "x%2Fy", "../up/../a", "dir/../..", new string('k', 1024), new string('é', 512)];

        foreach (var key in keys)
        {
            var uploadId = await seeder.UploadAsync(bucket, key, parts: 1);

            var result = (await InvokeAsync(services, Request(bucket, key, uploadId))).Single();

            result.Outcome.Should().Be(AbortOutcome.Aborted, $"{key[..Math.Min(20, key.Length)]}: {result.Message}");
            (await seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull();
        }
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    [Theory, OnMoto, OnRgw]
    public async Task Abort_AnUnknownUploadId_IsAlreadyGone(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync();

        var result = (await InvokeAsync(Services(store), Request(bucket, "k", "2~no-such-upload"))).Single();

        result.Outcome.Should().Be(AbortOutcome.AlreadyGone, result.Message);
    }

    [Theory, OnMoto, OnRgw]
    public async Task Abort_ARealUploadIdUnderAnotherKey_ClaimsOnlyWhatTheStoreDid(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var uploadId = await seeder.UploadAsync(bucket, "real", parts: 2);

        var result = (await InvokeAsync(Services(store), Request(bucket, "other", uploadId))).Single();

        var parts = await seeder.PartCountAsync(bucket, "real", uploadId);
        if (store.KeepsUploadAbortedUnderAnotherKey)
        {
            parts.Should().Be(2, "the real upload survives an abort under another key");
            result.Outcome.Should().Be(AbortOutcome.AlreadyGone, "no upload of that id exists under that key");
        }
        else
        {
            // moto deletes an upload aborted under any key; the result then truthfully says it was aborted.
            parts.Should().BeNull();
            result.Outcome.Should().Be(AbortOutcome.Aborted);
        }
    }

    [Theory, OnMoto, OnRgw]
    public async Task Abort_InAMissingBucket_IsDeadLetteredNamingIt(string name)
    {
        var store = stores[name];
        var dlq = await QueueAsync("dlq");

        var result = (await InvokeAsync(Services(store, env: (EnvironmentVariables.DeadLetterQueueUrl, dlq)), Request($"missing-{Guid.NewGuid():N}", "k", "2~u"))).Single();

        result.Outcome.Should().Be(AbortOutcome.DeadLettered);
        result.Message.Should().Contain("NoSuchBucket").And.Contain("check the bucket name");
    }

    [Theory, OnMoto, OnRgw]
    public async Task Abort_WithAWrongSecretOrAnUnknownKey_IsRefusedOnceAndSaysWhatToFix(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint);

        foreach (var (access, secret, code, fix) in new[]
        {
            (store.AccessKey, "not-the-secret", "SignatureDoesNotMatch", "check the secret key"),
            ("AKIANOSUCHKEY0000000", store.SecretKey, "InvalidAccessKeyId", "check COS_ACCESS_KEY_ID"),
        })
        {
            var uploadId = await seeder.UploadAsync(bucket, $"{code}.bin", parts: 1);
            var before = proxy.Requests;
            var services = Services(
                store,
                proxy.Endpoint,
                env: [(EnvironmentVariables.CosAccessKeyId, access), (EnvironmentVariables.CosSecretAccessKey, secret)]
            );

            var result = (await InvokeAsync(services, Request(bucket, $"{code}.bin", uploadId))).Single();

            if (store.ChecksSignatures)
            {
                result.Outcome.Should().Be(AbortOutcome.Failed, "no dead-letter queue is set, and a refusal is not retried");
                result.Message.Should().Contain(code).And.Contain("HTTP 403").And.Contain("request id").And.Contain(fix).And.NotContain(secret);
                (proxy.Requests - before).Should().Be(1, "a refused signature is permanent: one request, no retry storm");
                (await seeder.PartCountAsync(bucket, $"{code}.bin", uploadId)).Should().Be(1, "nothing was aborted");
            }
            else
                result.Outcome.Should().Be(AbortOutcome.Aborted, "moto accepts any signature");
        }
    }

    /// <summary>A part body that sends its first chunk, then waits for the test before sending the rest.</summary>
    private sealed class HeldBody(int size) : Stream
    {
        private int _sent;

        public TaskCompletionSource Streaming { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent > 0)
                await Release.Task.WaitAsync(cancellationToken);
            var n = Math.Min(Math.Min(buffer.Length, 16 * 1024), size - _sent);
            buffer.Span[..n].Fill((byte)'x');
            _sent += n;
            Streaming.TrySetResult();
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => size;
        public override long Position { get => _sent; set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory, OnMoto, OnRgw]
    public async Task Abort_WhileAPartIsStillStreaming_EndsAsTheStoreShowsAfterwards_WithNothingLeft(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var uploadId = await seeder.UploadAsync(bucket, "race.bin", parts: 1);
        // A presigned UploadPart (UNSIGNED-PAYLOAD), so the body can be held half-sent on the wire.
        var url = await s3.GetPreSignedURLAsync(
            new GetPreSignedUrlRequest { BucketName = bucket, Key = "race.bin", UploadId = uploadId, PartNumber = 2, Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(10), Protocol = Protocol.HTTP }
        );
        const int size = 1024 * 1024;
        var body = new HeldBody(size);
        using var http = new HttpClient();
        var content = new StreamContent(body);
        content.Headers.ContentLength = size;
        var partUpload = http.PutAsync(url, content);
        await body.Streaming.Task.WaitAsync(TimeSpan.FromMinutes(1)); // a guard, not a timing check

        var result = (await InvokeAsync(Services(store), Request(bucket, "race.bin", uploadId))).Single();
        body.Release.SetResult();
        using var partAnswer = await partUpload;

        // The abort and its verification came while part 2 was on the wire; its body ended after them. The store
        // refuses the late part (RGW: 404 NoSuchUpload; moto: 500), and what the function said is what the store
        // shows afterwards: no upload, no part.
        var parts = await seeder.PartCountAsync(bucket, "race.bin", uploadId);
        var listed = await seeder.UploadIdsAsync(bucket);
        result.Outcome.Should().Be(AbortOutcome.Aborted, result.Message);
        partAnswer.IsSuccessStatusCode.Should().BeFalse("the part's body ended after the abort");
        parts.Should().BeNull("the upload is gone, late part and all");
        listed.Should().BeEmpty();
    }

    [Theory, OnMoto, OnRgw]
    public async Task MinUploadAge_OnRealInitiatedTimes_LeavesTheYoungUploadAndTakesTheOld(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        // RGW lists "file name" and "file-x" before "file": the age lookup must still find "file".
        await seeder.UploadAsync(bucket, "file name");
        await seeder.UploadAsync(bucket, "file-x");
        var old = await seeder.UploadAsync(bucket, "file");
        await Task.Delay(TimeSpan.FromSeconds(4)); // a real wait: RGW dates uploads with the real time
        var young = await seeder.UploadAsync(bucket, "file");
        var services = Services(store, env: (EnvironmentVariables.MinUploadAge, "PT3S"));

        var results = await InvokeAsync(services, new { uploads = new[] { Request(bucket, "file", old), Request(bucket, "file", young) } });

        results[0].Outcome.Should().Be(AbortOutcome.Aborted, results[0].Message);
        if (store.RealInitiatedTimes)
        {
            results[1].Outcome.Should().Be(AbortOutcome.Rejected);
            results[1].Message.Should().Contain("less than MIN_UPLOAD_AGE");
            (await seeder.PartCountAsync(bucket, "file", young)).Should().Be(1, "the young upload was left alone");
        }
        else
            results[1].Outcome.Should().Be(AbortOutcome.Aborted, "moto dates every upload 2010-11-10");
    }

    [Theory, OnMoto, OnRgw]
    public async Task SweepEvent_OlderThanOnRealInitiatedTimes_TakesOnlyTheOldUploads(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var old = await seeder.UploadAsync(bucket, "tmp/old");
        await Task.Delay(TimeSpan.FromSeconds(4));
        var young = await seeder.UploadAsync(bucket, "tmp/young");
        var services = Services(store, env: (EnvironmentVariables.SweepMinAge, "PT3S"));

        var tooYoung = await InvokeAsync(services, new { sweep = new { bucket, olderThan = "PT1S" } });
        var sweep = await services.Requests.RunAsync(RequestParser.ParseText(JsonSerializer.Serialize(new { sweep = new { bucket, olderThan = "PT3S" } })), AbortOptions.Direct, services.Begin(null, CancellationToken.None));

        tooYoung.Single().Outcome.Should().Be(AbortOutcome.Rejected, "olderThan below SWEEP_MIN_AGE lists nothing");
        var summary = sweep.Sweeps.Single();
        summary.Listed.Should().Be(2);
        var left = await seeder.UploadIdsAsync(bucket);
        if (store.RealInitiatedTimes)
        {
            summary.Aborted.Should().Be(1);
            left.Should().Equal(young);
        }
        else
        {
            summary.Aborted.Should().Be(2, "moto dates every upload 2010-11-10");
            left.Should().BeEmpty();
        }
        (await seeder.PartCountAsync(bucket, "tmp/old", old)).Should().BeNull();
    }

    [Theory, OnMoto, OnRgw]
    public async Task Sweep_PastOnePageWithSeveralUploadsPerKey_InAnOrderUnlikeS3s_AbortsEachOnce(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync();
        var ids = await SeedManyAsync(s3, bucket, OrderedUnlikeS3, 1_250);
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint);

        var services = Services(store, proxy.Endpoint);
        var (summary, _, notable) = await services.Sweeps.RunAsync(new SweepRequest(bucket, TimeSpan.Zero), services.Begin(null, CancellationToken.None));

        notable.Should().BeEmpty();
        summary.Listed.Should().Be(1_250);
        summary.Aborted.Should().Be(1_250);
        proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
        (await new StoreSeeder(s3).UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    [Theory, OnMoto, OnRgw]
    public async Task Sweep_CutOffByTheDeadlineThenContinued_InAnOrderUnlikeS3s_AbortsEachOnceAndSkipsNone(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync();
        var ids = await SeedManyAsync(s3, bucket, OrderedUnlikeS3, 1_250);
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint);
        var queue = await QueueAsync("retry");
        var clock = new TickingClock(DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromSeconds(1));
        var env = new[] { (EnvironmentVariables.RetryQueueUrl, (string?)queue), (EnvironmentVariables.SweepMinAge, "PT0S"), (EnvironmentVariables.SweepConcurrency, "4") };
        var services = Services(store, proxy.Endpoint, clock, env);
        // 700 clock reads to the deadline, less the 10 s reserve: the sweep stops part-way through the first page.
        using var deadline = services.Begin(clock.Start.AddSeconds(700), CancellationToken.None);

        var first = await services.Requests.RunAsync(RequestParser.ParseText(JsonSerializer.Serialize(new { sweep = new { bucket, olderThan = "PT0S" } })), AbortOptions.Direct, deadline);
        using var sqs = stores.Moto.CreateSqsClient();
        var message = (await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = queue, WaitTimeSeconds = 1 })).Messages.Single();
        var next = Services(store, proxy.Endpoint, env: env);
        var second = await next.Requests.RunAsync(RequestParser.ParseText(message.Body), AbortOptions.Direct, next.Begin(null, CancellationToken.None));

        var cut = first.Sweeps.Single();
        cut.StopReason.Should().Be(SweepRunner.StopDeadline);
        cut.Continued.Should().BeTrue();
        cut.Aborted.Should().BeInRange(1, 1_249);
        var rest = second.Sweeps.Single();
        rest.Complete.Should().BeTrue();
        (cut.Aborted + rest.Aborted).Should().Be(1_250);
        proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
        (await new StoreSeeder(s3).UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    [Theory, OnMoto, OnRgw]
    public async Task Sweep_InThreeShards_InAnOrderUnlikeS3s_AbortsEachOnceAndSkipsNone(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync();
        var ids = await SeedManyAsync(s3, bucket, OrderedUnlikeS3, 1_250);
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint);
        var services = Services(store, proxy.Endpoint);

        var aborted = 0L;
        for (var i = 0; i < 3; i++)
        {
            var (summary, _, notable) = await services.Sweeps.RunAsync(new SweepRequest(bucket, TimeSpan.Zero) { Shard = new SweepShard(i, 3) }, services.Begin(null, CancellationToken.None));
            notable.Should().BeEmpty();
            aborted += summary.Aborted;
        }

        aborted.Should().Be(1_250);
        proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
        (await new StoreSeeder(s3).UploadIdsAsync(bucket)).Should().BeEmpty();
    }
}
