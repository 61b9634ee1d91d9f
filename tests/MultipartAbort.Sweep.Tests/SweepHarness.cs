using Amazon.S3;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Sweep.Tests;

/// <summary>A bucket on moto seen through a <see cref="LoopbackS3Proxy"/> that pages listings (<see cref="ListingPager"/>), and the function's services pointed at the proxy.</summary>
public sealed class SweepHarness : IAsyncDisposable
{
    private SweepHarness(MotoServer moto, LoopbackS3Proxy proxy, AmazonS3Client s3, string bucket)
    {
        Moto = moto;
        Proxy = proxy;
        Pager = proxy.Behaviour<ListingPager>();
        S3 = s3;
        Seeder = new StoreSeeder(s3);
        Bucket = bucket;
    }

    public MotoServer Moto { get; }
    public LoopbackS3Proxy Proxy { get; }

    /// <summary>The proxy's paging of ListMultipartUploads, with the listing bugs a test switches on.</summary>
    public ListingPager Pager { get; }

    /// <summary>Talks to moto directly (seeding and checking bypass the proxy).</summary>
    public AmazonS3Client S3 { get; }
    public StoreSeeder Seeder { get; }
    public string Bucket { get; }

    public static async Task<SweepHarness> CreateAsync(MotoServer moto, int pageSize = 1000)
    {
        var s3 = moto.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync(MotoServer.UniqueBucket("sw"));
        return new SweepHarness(moto, await LoopbackS3Proxy.StartAsync(moto.Endpoint, new ListingPager { PageSize = pageSize }), s3, bucket);
    }

    /// <summary>Starts one upload per key (with <paramref name="parts"/> parts each), 8 at a time; returns the upload ids in key order.</summary>
    public async Task<string[]> SeedAsync(IReadOnlyList<string> keys, int parts = 0, int partSize = 16)
    {
        var ids = new string[keys.Count];
        await Parallel.ForAsync(0, keys.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => ids[i] = await Seeder.UploadAsync(Bucket, keys[i], parts, partSize));
        return ids;
    }

    public static IReadOnlyList<string> Keys(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}{i:D5}").ToArray();

    /// <summary>The function's services on the proxy, with extra environment variables.</summary>
    public FunctionServices Services(TimeProvider? time = null, params (string Name, string? Value)[] env)
    {
        var variables = Moto.FunctionEnvironment(env);
        variables[EnvironmentVariables.CosEndpoint] = Proxy.Endpoint.ToString();
        return ServiceComposition.Create(new DictionaryEnvironment(variables), TextWriter.Null, time: time);
    }

    internal async Task<SweepOutcome> SweepAsync(SweepRequest sweep, params (string Name, string? Value)[] env)

    {
        var services = Services(null, env);
        return await services.Sweeps.RunAsync(sweep, services.Begin(null, CancellationToken.None));
    }

    public SweepRequest Request(string olderThan = "P1D", string? prefix = null) => new(Bucket, IsoDuration.Parse(olderThan)) { Prefix = prefix };

    public async Task<IReadOnlyList<string>> RemainingIdsAsync(string? prefix = null) => await Seeder.UploadIdsAsync(Bucket, prefix);

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        S3.Dispose();
    }
}
