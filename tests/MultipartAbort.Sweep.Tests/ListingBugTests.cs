using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Sweep.Tests;

/// <summary>
/// Listing bugs of S3-compatible servers, played by the paging proxy in front of moto: whatever the pages
/// say, a sweep ends, aborts every upload exactly once and skips none. A sweep aborts while it lists, and on a
/// live listing whether a marker upload is still there to be repeated would depend on which came first, so the
/// pages it needs would too. Each test therefore fixes the order: either the listing is frozen as it was when
/// the sweep began (<see cref="ListingPager.FreezesListing"/>: aborts never show, every bug shows on every page),
/// or the sweep runs one upload at a time, so every upload of a page is aborted (and gone from the listing)
/// before the next page is asked for.
/// </summary>
[Collection("moto")]
public sealed class ListingBugTests(MotoServer moto)
{
    /// <summary>Distinct keys, and keys that three uploads share (the ones a page edge can split).</summary>
    private static IReadOnlyList<string> MixedKeys(int distinct, int shared) =>
        [.. SweepHarness.Keys("k/", distinct), .. SweepHarness.Keys("s/", shared).SelectMany(k => new[] { k, k, k })];

    /// <param name="maxPages">The most listing pages the lister may need for this server; by default a few more than one per upload.</param>
    /// <param name="abortsLeaveTheListing">False: the listing is frozen and the sweep runs 8 uploads at a time. True: the
    /// listing is live and the sweep runs one upload at a time, so each page's uploads are gone before the next page.</param>
    private static async Task SweepsEveryUploadExactlyOnce(SweepHarness h, IReadOnlyList<string> keys, int? maxPages = null, bool abortsLeaveTheListing = false)
    {
        var ids = await h.SeedAsync(keys);
        h.Pager.FreezesListing = !abortsLeaveTheListing;

        var (summary, counts, notable) = await h.SweepAsync(h.Request(), (EnvironmentVariables.SweepConcurrency, abortsLeaveTheListing ? "1" : "8"));

        notable.Should().BeEmpty();
        summary.Complete.Should().BeTrue();
        summary.Aborted.Should().Be(keys.Count);
        counts.AllSucceeded.Should().BeTrue();
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids, "no upload may be skipped");
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1, "no upload may be aborted twice"));
        h.Pager.ListPagesServed.Should().BeLessThanOrEqualTo(maxPages ?? keys.Count + 4, "the listing must not go round in circles");
        (await h.RemainingIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Sweep_WhenEachPageRepeatsTheMarkerUpload_SkipsNoneAndAbortsNoneTwice()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 7);
        h.Pager.RepeatsMarker = true;
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(20, 6));
    }

    [Fact]
    public async Task Sweep_WhenPagesOfOneRepeatTheMarker_StillGetsPastEachUpload()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 1);
        h.Pager.RepeatsMarker = true;
        var keys = SweepHarness.Keys("one/", 9);
        // Each upload takes two pages of one: the page that lists it, and the next, which repeats it as the
        // marker and sends the lister past its id. The last upload's repeat says it is the last page.
        await SweepsEveryUploadExactlyOnce(h, keys, maxPages: 2 * keys.Count);
    }

    [Fact]
    public async Task Sweep_WhenTheServerIgnoresUploadIdMarker_KeepsUploadsThatShareAKeyAcrossPageEdges()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 4);
        h.Pager.IgnoresUploadIdMarker = true;
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(5, 6));
    }

    [Fact]
    public async Task Sweep_WhenNextUploadIdMarkerIsMissing_ResumesFromWhatItReceived()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 5);
        h.Pager.OmitsNextUploadIdMarker = true;
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(6, 5));
    }

    [Fact]
    public async Task Sweep_WhenTheFirstPageWronglySaysItIsTheLast_ListsTheRest()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 10);
        h.Pager.NotTruncatedOnPages.Add(0);
        await SweepsEveryUploadExactlyOnce(h, SweepHarness.Keys("f/", 35));
    }

    [Fact]
    public async Task Sweep_WhenEveryPageSaysTruncated_EndsAfterTheLastUpload()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 10);
        h.Pager.AlwaysTruncated = true;
        await SweepsEveryUploadExactlyOnce(h, SweepHarness.Keys("t/", 25));
    }

    [Fact]
    public async Task Sweep_OnAServerWithEveryListingBugAtOnce_SkipsNoneAndAbortsNoneTwice()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 4);
        h.Pager.RepeatsMarker = true;
        h.Pager.IgnoresUploadIdMarker = true;
        h.Pager.OmitsNextUploadIdMarker = true;
        h.Pager.AlwaysTruncated = true;
        // Live: a server that repeats the whole marker key, ignores upload-id-marker and always says truncated
        // answers the request after its last key with that key again for ever, unless the sweep's aborts have
        // removed it; on a frozen listing the lister stops there with an error rather than loop (UploadListerTests).
        await SweepsEveryUploadExactlyOnce(h, MixedKeys(7, 4), abortsLeaveTheListing: true);
    }
}
