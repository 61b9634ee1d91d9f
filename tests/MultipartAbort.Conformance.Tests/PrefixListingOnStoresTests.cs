using System.Text;
using System.Text.Json;
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
/// Each store behind a proxy that reads ListMultipartUploads' prefix as an exact key, as MinIO does: every listing
/// finds what the plain store finds under the prefix, and the plain store pays at most one check per empty listing.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class PrefixListingOnStoresTests(Stores stores)
{
    private static readonly string[] UnderTmp = ["tmp/a", "tmp/b c", "tmp/d/e"];

    /// <summary>Uploads under tmp/, and beside it: a key equal to the prefix's stem and one elsewhere.</summary>
    private static async Task<(string Bucket, Dictionary<string, string> Ids)> SeedAsync(StoreSeeder seeder)
    {
        var bucket = await seeder.BucketAsync();
        var ids = new Dictionary<string, string>();
        foreach (var key in UnderTmp.Append("tmp").Append("keep/f"))
            ids[key] = await seeder.UploadAsync(bucket, key, parts: 2);
        return (bucket, ids);
    }

    private static Dictionary<string, string?> MpaEnvironment(S3Store store, Uri through, string? prefixListing = null)
    {
        var env = store.StoreEnvironment(through);
        env["AWS_REGION"] = "us-east-1";
        if (prefixListing is not null)
            env[EnvironmentVariables.PrefixListing] = prefixListing;
        return env;
    }

    [Theory, OnMoto, OnRgw]
    public async Task MpaList_BehindAStoreReadingPrefixesAsKeys_ListsEveryUploadUnderThePrefix(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var (bucket, ids) = await SeedAsync(new StoreSeeder(s3));
        var exact = new ExactKeyPrefixes();
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, exact);

        var asServer = await MpaProcess.RunAsync(MpaEnvironment(store, proxy.Endpoint, "server"), "list", "--bucket", bucket, "--prefix", "tmp/", "--json");
        var auto = await MpaProcess.RunAsync(MpaEnvironment(store, proxy.Endpoint), "list", "--bucket", bucket, "--prefix", "tmp/", "--json");

        asServer.ExitCode.Should().Be(0, asServer.Stderr);
        JsonDocument.Parse(asServer.Stdout).RootElement.GetProperty("uploads").GetArrayLength().Should().Be(0, "this is what trusting the store gives");
        auto.ExitCode.Should().Be(0, auto.Stderr);
        var listed = JsonDocument.Parse(auto.Stdout).RootElement;
        listed.GetProperty("uploads").EnumerateArray().Select(u => u.GetProperty("key").GetString()).Should().BeEquivalentTo(UnderTmp);
        listed.GetProperty("uploads").EnumerateArray().Select(u => u.GetProperty("uploadId").GetString()).Should().BeEquivalentTo(UnderTmp.Select(k => ids[k]));
        listed.GetProperty("prefixFilteredLocally").GetBoolean().Should().BeTrue();
        auto.Stderr.Should().Contain("reads a prefix as an exact key", "the log says it once");
    }

    [Theory, OnMoto, OnRgw]
    public async Task MpaSweep_PlainAndSharded_BehindAStoreReadingPrefixesAsKeys_AbortEveryUploadUnderThePrefixAndNoOther(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var (plain, plainIds) = await SeedAsync(seeder);
        var (sharded, shardedIds) = await SeedAsync(seeder);
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new ExactKeyPrefixes());
        var env = MpaEnvironment(store, proxy.Endpoint);

        var one = await MpaProcess.RunAsync(env, "sweep", "--bucket", plain, "--prefix", "tmp/", "--older-than", "PT0S", "--allow-young", "--json");
        var three = await MpaProcess.RunAsync(env, "sweep", "--bucket", sharded, "--prefix", "tmp/", "--older-than", "PT0S", "--allow-young", "--shards", "3", "--json");

        foreach (var (run, bucket, ids) in new[] { (one, plain, plainIds), (three, sharded, shardedIds) })
        {
            run.ExitCode.Should().Be(0, run.Stderr);
            var sweep = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("summary").GetProperty("sweep");
            sweep.GetProperty("aborted").GetInt64().Should().Be(UnderTmp.Length);
            sweep.GetProperty("prefixFilteredLocally").GetBoolean().Should().BeTrue();
            (await seeder.UploadIdsAsync(bucket)).Should().BeEquivalentTo([ids["tmp"], ids["keep/f"]], "only the uploads under tmp/ are swept");
        }
    }

    [Theory, OnMoto, OnRgw]
    public async Task Sweep_CutOffAndContinuedThroughTheRetryQueue_BehindAStoreReadingPrefixesAsKeys_AbortsEachUploadUnderThePrefixOnce(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var keys = Enumerable.Range(0, 120).Select(i => $"tmp/{i:D3}").ToList();
        var ids = new List<string>();
        foreach (var key in keys)
            ids.Add(await seeder.UploadAsync(bucket, key));
        var others = new[] { await seeder.UploadAsync(bucket, "tmp"), await seeder.UploadAsync(bucket, "tmq/x") };
        var exact = new ExactKeyPrefixes();
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, exact);
        var queue = await QueueAsync();
        var clock = new TickingClock(DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromSeconds(1));
        var env = new[] { (EnvironmentVariables.RetryQueueUrl, (string?)queue), (EnvironmentVariables.SweepMinAge, "PT0S"), (EnvironmentVariables.SweepConcurrency, "4") };
        // Clock reads to the deadline, less the 10 s reserve: the sweep stops part-way.
        var sweep = JsonSerializer.Serialize(new { sweep = new { bucket, prefix = "tmp/", olderThan = "PT0S" } });
        var services = Services(store, proxy.Endpoint, clock, env);
        using var deadline = services.Begin(clock.Start.AddSeconds(70), CancellationToken.None);

        var first = await services.Requests.RunAsync(RequestParser.ParseText(sweep), AbortOptions.Direct, deadline);
        using var sqs = stores.Moto.CreateSqsClient();
        var message = (await sqs.ReceiveMessageAsync(new Amazon.SQS.Model.ReceiveMessageRequest { QueueUrl = queue, WaitTimeSeconds = 1 })).Messages.Single();
        // A new process, which has learned nothing yet about the store.
        services = Services(store, proxy.Endpoint, env: env);
        var second = await services.Requests.RunAsync(RequestParser.ParseText(message.Body), AbortOptions.Direct, services.Begin(null, CancellationToken.None));

        var cut = first.Sweeps.Single();
        cut.StopReason.Should().Be(SweepRunner.StopDeadline);
        cut.Continued.Should().BeTrue();
        cut.Aborted.Should().BeInRange(1, keys.Count - 1);
        cut.PrefixFilteredLocally.Should().BeTrue();
        var rest = second.Sweeps.Single();
        rest.Complete.Should().BeTrue();
        rest.PrefixFilteredLocally.Should().BeTrue();
        (cut.Aborted + rest.Aborted).Should().Be(keys.Count);
        proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
        (await seeder.UploadIdsAsync(bucket)).Should().BeEquivalentTo(others);
    }

    [Theory, OnMoto, OnRgw]
    public async Task KeyTimer_BehindAStoreReadingPrefixesAsKeys_BeforeAndAfterLearningIt_AbortsTheUploadsOfItsKeyOnly(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var (bucket, ids) = await SeedAsync(seeder);
        var second = await seeder.UploadAsync(bucket, "tmp/a");
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new ExactKeyPrefixes());
        var services = Services(store, proxy.Endpoint, env: [(EnvironmentVariables.UploadTtl, "PT1S")]);
        var due = DateTimeOffset.UtcNow.AddMinutes(1);
        object Timer(string key) => new { bucket, key, initiatedAt = Rfc3339.Format(due), notBefore = Rfc3339.Format(due.AddSeconds(-61)) };

        var before = await InvokeAsync(services, Timer("tmp"));
        var sweep = await services.Sweeps.RunAsync(new SweepRequest(bucket, TimeSpan.Zero) { Prefix = "keep/" }, services.Begin(null, CancellationToken.None));
        var after = await InvokeAsync(services, Timer("tmp/a"));

        before.Select(r => (r.Key, r.UploadId, r.Outcome)).Should().Equal(("tmp", ids["tmp"], AbortOutcome.Aborted));
        sweep.Summary.Aborted.Should().Be(1);
        sweep.Summary.PrefixFilteredLocally.Should().BeTrue("the sweep taught the process that the store misreads prefixes");
        after.Select(r => (r.Key, r.UploadId, r.Outcome)).Should().BeEquivalentTo(new[] { ("tmp/a", ids["tmp/a"], AbortOutcome.Aborted), ("tmp/a", second, AbortOutcome.Aborted) });
        (await seeder.UploadIdsAsync(bucket)).Should().BeEquivalentTo(new[] { ids["tmp/b c"], ids["tmp/d/e"] });
    }

    [Theory, OnMoto, OnRgw]
    public async Task PrefixListing_OnThePlainStore_CostsOneCheckPerEmptyListing_AndNoneOnceAListingShowsPrefixesWork(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var (bucket, _) = await SeedAsync(new StoreSeeder(s3));
        var counted = new ExactKeyPrefixes { ReadsPrefixAsKey = false };
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, counted);
        var services = Services(store, proxy.Endpoint);
        async Task<(SweepSummary Summary, int WithPrefix, int WithoutPrefix)> SweepAsync(string prefix)
        {
            var (withBefore, withoutBefore) = (counted.WithPrefix, counted.WithoutPrefix);
            var outcome = await services.Sweeps.RunAsync(new SweepRequest(bucket, TimeSpan.Zero) { Prefix = prefix, DryRun = true }, services.Begin(null, CancellationToken.None));
            return (outcome.Summary, counted.WithPrefix - withBefore, counted.WithoutPrefix - withoutBefore);
        }

        var emptyUnknown = await SweepAsync("none/");
        var found = await SweepAsync("tmp/");
        var emptyKnown = await SweepAsync("none/");

        // The listing's own pages (one more than needed: only an empty page ends a listing) are its cost today; the check is the extra.
        (emptyUnknown.WithPrefix, emptyUnknown.WithoutPrefix).Should().Be(((int)emptyUnknown.Summary.Pages, 1), "an empty listing costs one check");
        emptyUnknown.Summary.Listed.Should().Be(0);
        found.Summary.WouldAbort.Should().Be(UnderTmp.Length);
        (found.WithPrefix, found.WithoutPrefix).Should().Be(((int)found.Summary.Pages, 0), "a listing that finds uploads needs no check");
        (emptyKnown.WithPrefix, emptyKnown.WithoutPrefix).Should().Be(((int)emptyKnown.Summary.Pages, 0), "a key longer than the prefix showed the store reads prefixes");
        new[] { emptyUnknown.Summary, found.Summary, emptyKnown.Summary }.Should().AllSatisfy(s => s.PrefixFilteredLocally.Should().BeFalse());
    }

    private FunctionServices Services(S3Store store, Uri through, TimeProvider? time = null, params (string Name, string? Value)[] env)
    {
        var all = store.StoreEnvironment(through);
        all[EnvironmentVariables.SqsEndpoint] = stores.Moto.Endpoint.ToString();
        foreach (var (key, value) in env)
            all[key] = value;
        return ServiceComposition.Create(new DictionaryEnvironment(all), TextWriter.Null, logLevel: LogLevel.None, time: time);
    }

    private static async Task<IReadOnlyList<AbortResult>> InvokeAsync(FunctionServices services, object request)
    {
        var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request)), services.Begin(null, CancellationToken.None));
        return response.Result!.Results;
    }

    private async Task<string> QueueAsync()
    {
        using var sqs = stores.Moto.CreateSqsClient();
        return (await sqs.CreateQueueAsync($"retry-{Guid.NewGuid():N}")).QueueUrl;
    }
}
