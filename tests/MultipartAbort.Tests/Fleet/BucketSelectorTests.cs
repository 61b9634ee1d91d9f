using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Tests.Fleet;

public sealed class BucketSelectorTests
{
    private sealed class Directory(Func<CancellationToken, IReadOnlyList<string>> list) : IBucketDirectory
    {
        public Task<IReadOnlyList<string>> ListBucketsAsync(CancellationToken ct) => Task.FromResult(list(ct));
    }

    [Fact]
    public async Task ANamedBucket_IsJudgedByAllowedBucketsAlone_NotByAllowedPrefixes()
    {
        var selector = new BucketSelector(null, new AccessPolicy(["logs", "data-*"], ["tmp/"]));

        var selection = await selector.SelectAsync(["logs", "data-1", "secret"], false, CancellationToken.None);

        selection.Buckets.Should().Equal("data-1", "logs");
        selection.Refused.Should().ContainSingle().Which.Should().Be(new RefusedBucket("secret", "bucket 'secret' is not in ALLOWED_BUCKETS", false));
    }

    [Fact]
    public async Task GlobsAndEveryBucket_FindOnlyBucketsInsideAllowedBuckets()
    {
        var selector = new BucketSelector(new Directory(_ => ["logs-a", "logs-b", "logs-secret", "other"]), new AccessPolicy(["logs-a", "logs-b", "other"], null));

        (await selector.SelectAsync(["logs-*"], false, CancellationToken.None)).Buckets.Should().Equal("logs-a", "logs-b");
        (await selector.SelectAsync([], true, CancellationToken.None)).Buckets.Should().Equal("logs-a", "logs-b", "other");
    }

    [Fact]
    public async Task AListBucketsCutOffByTheDeadline_IsARefusalNamingIt_NotAnException()
    {
        using var deadline = new CancellationTokenSource();
        deadline.Cancel();
        var selector = new BucketSelector(new Directory(ct => { ct.ThrowIfCancellationRequested(); return []; }), AccessPolicy.AllowAll);

        var selection = await selector.SelectAsync(["named", "logs-*"], false, deadline.Token);

        selection.Buckets.Should().Equal("named");
        selection.Refused.Should().ContainSingle().Which.Should().Be(new RefusedBucket("logs-*", "ListBuckets was cut off: the invocation's time ran out", true));
    }
}
