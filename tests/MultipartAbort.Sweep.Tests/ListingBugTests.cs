using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>
/// Listing bugs of S3-compatible servers, played by the paging proxy in front of moto: whatever the pages
/// say, a sweep ends, aborts every upload exactly once and skips none.
/// </summary>
[Collection("moto")]
public sealed class ListingBugTests(MotoServer moto)
{
    /// <summary>Distinct keys, and keys that three uploads share (the ones a page edge can split).</summary>
    private static IReadOnlyList<string> MixedKeys(int distinct, int shared) =>
        [.. SweepHarness.Keys("k/", distinct), .. SweepHarness.Keys("s/", shared).SelectMany(k => new[] { k, k, k })];

    private static async Task SweepsEveryUploadExactlyOnce(SweepHarness h, IReadOnlyList<string> keys)
    {
        var ids = await h.SeedAsync(keys);

        var (summary, counts, notable) = await h.SweepAsync(h.Request(), (EnvironmentVariables.SweepConcurrency, "8"));

        notable.Should().BeEmpty();
        summary.Complete.Should().BeTrue();
        summary.Aborted.Should().Be(keys.Count);
        counts.AllSucceeded.Should().BeTrue();
        h.Proxy.AbortsByUploadId.Keys.Should().BeEquivalentTo(ids, "no upload may be skipped");
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1, "no upload may be aborted twice"));
        h.Proxy.ListPagesServed.Should().BeLessThan(keys.Count + 5, "the listing must not go round in circles");
        (await h.RemainingIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Sweep_WhenEachPageRepeatsTheMarkerUpload_SkipsNoneAndAbortsNoneTwice()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 7);
        h.Proxy.RepeatsMarker = true;
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(20, 6));
    }

    [Fact]
    public async Task Sweep_WhenPagesOfOneRepeatTheMarker_StillGetsPastEachUpload()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 1);
        h.Proxy.RepeatsMarker = true;
        await SweepsEveryUploadExactlyOnce(h, SweepHarness.Keys("one/", 9));
    }

    [Fact]
    public async Task Sweep_WhenTheServerIgnoresUploadIdMarker_KeepsUploadsThatShareAKeyAcrossPageEdges()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 4);
        h.Proxy.IgnoresUploadIdMarker = true;
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(5, 6));
    }

    [Fact]
    public async Task Sweep_WhenNextUploadIdMarkerIsMissing_ResumesFromWhatItReceived()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 5);
        h.Proxy.OmitsNextUploadIdMarker = true;
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(6, 5));
    }

    [Fact]
    public async Task Sweep_WhenTheFirstPageWronglySaysItIsTheLast_ListsTheRest()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 10);
        h.Proxy.NotTruncatedOnPages.Add(0);
        await SweepsEveryUploadExactlyOnce(h, SweepHarness.Keys("f/", 35));
    }

    [Fact]
    public async Task Sweep_WhenEveryPageSaysTruncated_EndsAfterTheLastUpload()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 10);
        h.Proxy.AlwaysTruncated = true;
        await SweepsEveryUploadExactlyOnce(h, SweepHarness.Keys("t/", 25));
    }

    [Fact]
    public async Task Sweep_OnAServerWithEveryListingBugAtOnce_SkipsNoneAndAbortsNoneTwice()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 4);
        h.Proxy.RepeatsMarker = true;
        h.Proxy.IgnoresUploadIdMarker = true;
        h.Proxy.OmitsNextUploadIdMarker = true;
        h.Proxy.AlwaysTruncated = true;
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(7, 4));
    }
}
