using Amazon.S3;
using Amazon.S3.Model;

namespace MultipartAbort.Testing;

/// <summary>
/// Uploads to seed for a report, and what the report must then say, worked out here from the plan alone (not by the
/// code under test): keys at the top level, one folder deep and two deep; none, one or four parts of distinct sizes.
/// </summary>
public sealed class ReportPlan(string bucket, int uploads)
{
    public sealed record Planned(string Key, int Parts, int PartSize, string PrefixAtDepth1, string PrefixAtDepth2)
    {
        public long Bytes => (long)Parts * PartSize;
    }

    public string Bucket { get; } = bucket;

    public IReadOnlyList<Planned> Uploads { get; } =
        Enumerable
            .Range(0, uploads)
            .Select(i =>
            {
                var parts = i % 5 == 0 ? 4 : i % 3 == 0 ? 1 : 0;
                var size = 10 + i;
                return (i % 10) switch
                {
                    0 => new Planned($"top-{i:D5}.bin", parts, size, "", ""),
                    7 => new Planned($"p{i % 3}/only-{i:D5}.bin", parts, size, $"p{i % 3}/", $"p{i % 3}/"),
                    _ => new Planned($"p{i % 3}/s{i % 2}/k{i:D5}.bin", parts, size, $"p{i % 3}/", $"p{i % 3}/s{i % 2}/"),
                };
            })
            .ToArray();

    public long Parts => Uploads.Sum(u => (long)u.Parts);
    public long Bytes => Uploads.Sum(u => u.Bytes);

    /// <summary>Uploads, parts and bytes per prefix at a depth (1 or 2).</summary>
    public IReadOnlyDictionary<string, (long Uploads, long Parts, long Bytes)> ByPrefix(int depth) =>
        Uploads
            .GroupBy(u => depth == 1 ? u.PrefixAtDepth1 : u.PrefixAtDepth2)
            .ToDictionary(g => g.Key, g => ((long)g.Count(), g.Sum(u => (long)u.Parts), g.Sum(u => u.Bytes)));

    /// <summary>Seeds the plan, eight requests at a time (moto and RGW both take them in parallel).</summary>
    public async Task SeedAsync(IAmazonS3 s3)
    {
        await s3.PutBucketAsync(Bucket);
        await Parallel.ForEachAsync(
            Uploads,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (u, ct) =>
            {
                var id = (await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = u.Key }, ct)).UploadId;
                for (var n = 1; n <= u.Parts; n++)
                {
                    using var body = new MemoryStream(new byte[u.PartSize]);
                    await s3.UploadPartAsync(new UploadPartRequest { BucketName = Bucket, Key = u.Key, UploadId = id, PartNumber = n, InputStream = body }, ct);
                }
            }
        );
    }
}
