using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>The lister against in-memory servers whose bugs a proxy cannot play well (or that need no HTTP to show).</summary>
public sealed class UploadListerTests
{
    private static async Task<List<ListedUpload>> ListAll(IObjectStore store, UploadListing listing)
    {
        var all = new List<ListedUpload>();
        await foreach (var u in UploadLister.ListAsync(store, listing, CancellationToken.None))
            all.Add(u);
        return all;
    }

    /// <summary>Answers every request with the first page, truncated: markers mean nothing to it.</summary>
    private sealed class MarkerBlindStore : ScriptedObjectStore
    {
        public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken) =>
            base.ListUploadsAsync(listing with { KeyMarker = null, UploadIdMarker = null }, cancellationToken);
    }

    /// <summary>Includes the marker upload again at the start of each page (markers are inclusive).</summary>
    private sealed class InclusiveMarkerStore : ScriptedObjectStore
    {
        public override async Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
        {
            var page = await base.ListUploadsAsync(listing, cancellationToken);
            if (listing.KeyMarker is null || Get(listing.Bucket, listing.KeyMarker, listing.UploadIdMarker ?? "") is null)
                return page;
            var marker = new ListedUpload(listing.KeyMarker, listing.UploadIdMarker!, DateTimeOffset.UnixEpoch);
            var uploads = new[] { marker }.Concat(page.Uploads).Take(UploadsPageSize).ToList();
            return page with { Uploads = uploads, IsTruncated = page.IsTruncated || uploads.Count < page.Uploads.Count + 1 };
        }
    }

    /// <summary>Sorts keys by UTF-8 bytes, as S3 does (the base double sorts by UTF-16 code units).</summary>
    private sealed class Utf8OrderStore : ScriptedObjectStore
    {
        public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
        {
            var after = Listable(listing.Bucket, listing.Prefix)
                .OrderBy(u => u.Key, Comparer<string>.Create(KeyOrder.Compare))
                .Where(u => listing.KeyMarker is null || KeyOrder.Compare(u.Key, listing.KeyMarker) > 0
                    || (u.Key == listing.KeyMarker && string.CompareOrdinal(u.UploadId, listing.UploadIdMarker) > 0))
                .ToList();
            var page = after.Take(UploadsPageSize).ToList();
            return Task.FromResult(new UploadsPage(page, page.Count < after.Count, null, null));
        }
    }

    /// <summary>One page, in creation order rather than sorted, ignoring markers: moto.</summary>
    private sealed class UnsortedStore : ScriptedObjectStore
    {
        public List<ListedUpload> Order { get; } = [];

        public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken) =>
            Task.FromResult(new UploadsPage(Order, false, null, null));
    }

    /// <summary>
    /// Lists as Ceph RGW 16.2 does (measured on a real one, infra/local/rgw.sh): sorted by its internal object name
    /// <c>key.uploadId.meta</c> in byte order, so "file name" and "file-x" come before "file"; a key-marker alone is
    /// that name's prefix, so it lists the marker key's uploads again; key and upload-id markers resume exactly after
    /// that upload; pages are cut at the page size with IsTruncated.
    /// </summary>
    private sealed class RgwOrderStore : ScriptedObjectStore
    {
        private static string Meta(string key, string id) => $"{key}.{id}.meta";

        public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
        {
            var marker = listing.KeyMarker is null ? null : listing.UploadIdMarker is null ? listing.KeyMarker : Meta(listing.KeyMarker, listing.UploadIdMarker);
            var after = Listable(listing.Bucket, listing.Prefix)
                .Where(u => marker is null || KeyOrder.Compare(Meta(u.Key, u.UploadId), marker) > 0)
                .OrderBy(u => Meta(u.Key, u.UploadId), Comparer<string>.Create(KeyOrder.Compare))
                .ToList();
            var page = after.Take(Math.Min(UploadsPageSize, listing.MaxUploads ?? int.MaxValue)).ToList();
            return Task.FromResult(new UploadsPage(page, page.Count < after.Count, null, null));
        }
    }

    /// <summary>Keys RGW orders unlike S3, with several uploads each (S3: file, file name, file-x, file.txt, file/inner, fileé).</summary>
    private static RgwOrderStore RgwOrdered(int pageSize)
    {
        var store = new RgwOrderStore { UploadsPageSize = pageSize };
        foreach (var (key, count) in new[] { ("file name", 7), ("file-x", 2), ("file", 3), ("file.txt", 1), ("file/inner", 2), ("fileé", 2) })
            for (var i = 0; i < count; i++)
                store.Add("bkt", key, $"2~{key.Length}{i:D2}");
        return store;
    }

    [Theory]
    [InlineData(20)]
    [InlineData(10)]
    [InlineData(7)]
    [InlineData(5)]
    [InlineData(4)]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(1)]
    public async Task List_OnAServerWithItsOwnKeyOrder_YieldsEveryUploadOnce(int pageSize)
    {
        var store = RgwOrdered(pageSize);

        var all = await ListAll(store, new UploadListing("bkt"));

        all.Select(u => (u.Key, u.UploadId)).Should().OnlyHaveUniqueItems().And.HaveCount(17, "judged by S3's order, the 3 uploads of 'file' after 'file-x' look listed already");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(4)]
    [InlineData(3)]
    [InlineData(1)]
    public async Task Checkpoint_OnAServerWithItsOwnKeyOrder_ResumesWithoutLosingAnUpload(int pageSize)
    {
        for (var stop = 1; stop < 17; stop++)
        {
            var store = RgwOrdered(pageSize);
            var first = new List<ListedUpload>();
            var start = new UploadListing("bkt");
            var checkpoint = new ListingCheckpoint(start);
            await foreach (var u in UploadLister.ListAsync(store, start, CancellationToken.None, checkpoint: checkpoint))
            {
                first.Add(u);
                if (first.Count == stop)
                    break;
            }
            var (key, id) = checkpoint.ResumeAfter((first[^1].Key, first[^1].UploadId));
            var rest = await ListAll(store, new UploadListing("bkt") { KeyMarker = key, UploadIdMarker = id });

            first.Concat(rest).Select(u => (u.Key, u.UploadId)).Distinct().Should().HaveCount(17, $"stopped after {stop}, resumed from ({key}, {id})");
        }
    }

    /// <summary>Lists until <paramref name="stopAfter"/> uploads were yielded, then reads the checkpoint.</summary>
    private static async Task<(string? KeyMarker, string? UploadIdMarker)> StopAfter(IObjectStore store, int stopAfter)
    {
        var start = new UploadListing("bkt");
        var checkpoint = new ListingCheckpoint(start);
        var n = 0;
        await foreach (var _ in UploadLister.ListAsync(store, start, CancellationToken.None, checkpoint: checkpoint))
            if (++n == stopAfter)
                break;
        return checkpoint.ResumeFrom();
    }

    [Fact]
    public async Task Checkpoint_StoppedInsideAKeyOfSeveralUploads_ResumesAfterTheKeyBeforeIt_SoNoneOfThatKeyIsLost()
    {
        var store = new IdMarkerBlindStore();
        foreach (var (key, id) in new[] { ("a", "1"), ("b", "1"), ("b", "2"), ("b", "3"), ("c", "1") })
            store.Add("bkt", key, id);

        var resume = await StopAfter(store, 3);
        var rest = await ListAll(store, new UploadListing("bkt") { KeyMarker = resume.KeyMarker, UploadIdMarker = resume.UploadIdMarker });

        resume.Should().Be(("a", (string?)null), "b/3 is not yielded yet, and upload-id-marker b/2 would lose it here");
        rest.Select(u => $"{u.Key}/{u.UploadId}").Should().Contain("b/3").And.Contain("c/1").And.NotContain("a/1");
        (await StopAfter(store, 4)).Should().Be(("b", (string?)null), "every upload of b is yielded");
    }

    [Fact]
    public async Task Checkpoint_OnAnUnsortedPage_NeverSkipsAKeyNotYetYielded()
    {
        var store = new UnsortedStore();
        store.Order.AddRange(new[] { "c", "a", "b" }.Select(k => new ListedUpload(k, "u", DateTimeOffset.UnixEpoch)));

        (await StopAfter(store, 1)).Should().Be(((string?)null, (string?)null), "a and b, below c, are still to come");
        (await StopAfter(store, 2)).Should().Be(("a", (string?)null));
    }

    [Fact]
    public async Task Checkpoint_OnALaterPage_KeepsToWhatThatPageProves()
    {
        var store = new ScriptedObjectStore { UploadsPageSize = 2 };
        foreach (var key in new[] { "a", "b", "c", "d", "e" })
            store.Add("bkt", key, "u");

        // Page 2 is asked for from the key before the last (key-marker "a" alone), so it is [b, c]: c is its first new upload.
        (await StopAfter(store, 3)).Should().Be(("b", (string?)null));
        (await StopAfter(store, 5)).Should().Be(("d", (string?)null), "more uploads of e could follow on another page");
    }

    [Fact]
    public async Task Checkpoint_WhenNothingListedProvesAKeyDone_ResumesAfterTheLastUpload_SoAContinuationGetsFurther()
    {
        var store = new ScriptedObjectStore();
        foreach (var id in new[] { "1", "2", "3" })
            store.Add("bkt", "b", id);
        var start = new UploadListing("bkt") { KeyMarker = "a" };
        var checkpoint = new ListingCheckpoint(start);
        ListedUpload? last = null;
        await foreach (var u in UploadLister.ListAsync(store, start, CancellationToken.None, checkpoint: checkpoint))
            if ((last = u).UploadId == "2")
                break;

        checkpoint.ResumeFrom().Should().Be(("a", (string?)null), "no key is done yet");
        checkpoint.ResumeAfter((last!.Key, last.UploadId)).Should().Be(("b", "2"));
        checkpoint.ResumeAfter(null).Should().Be(("a", (string?)null), "nothing listed: where it began");
    }

    [Fact]
    public async Task List_WhenTheServerIgnoresMarkers_FailsAfterAFewPagesInsteadOfLooping()
    {
        var store = new MarkerBlindStore { UploadsPageSize = 3 };
        for (var i = 0; i < 10; i++)
            store.Add("bkt", $"k{i}", "u");
        var seen = new List<ListedUpload>();

        var act = async () =>
        {
            await foreach (var u in UploadLister.ListAsync(store, new UploadListing("bkt"), CancellationToken.None))
                seen.Add(u);
        };

        (await act.Should().ThrowAsync<StoreException>()).Which.IsTransient.Should().BeFalse();
        seen.Select(u => u.Key).Should().Equal("k0", "k1", "k2");
        store.ListUploadsCalls.Should().BeLessThanOrEqualTo(4);
    }

    [Fact]
    public async Task List_WhenPagesOfOneRepeatTheMarker_YieldsEachUploadOnceIncludingSharedKeys()
    {
        var store = new InclusiveMarkerStore { UploadsPageSize = 1 };
        foreach (var (key, id) in new[] { ("a", "1"), ("b", "1"), ("b", "2"), ("b", "3"), ("c", "1") })
            store.Add("bkt", key, id);

        var all = await ListAll(store, new UploadListing("bkt"));

        all.Select(u => $"{u.Key}/{u.UploadId}").Should().Equal("a/1", "b/1", "b/2", "b/3", "c/1");
    }

    [Fact]
    public async Task List_ResumingFromMarkersOnAnInclusiveServer_DoesNotYieldTheMarkerAgain()
    {
        var store = new InclusiveMarkerStore { UploadsPageSize = 2 };
        foreach (var key in new[] { "a", "b", "c", "d" })
            store.Add("bkt", key, "u");

        var all = await ListAll(store, new UploadListing("bkt") { KeyMarker = "b", UploadIdMarker = "u" });

        all.Select(u => u.Key).Should().Equal("c", "d");
    }

    [Fact]
    public async Task List_KeysBeyondTheBasicPlane_FollowsS3sUtf8Order()
    {
        // UTF-8 order: "a" < U+E000 < U+1F600; UTF-16 ordinal order would put the emoji (a surrogate pair) first.
        var store = new Utf8OrderStore { UploadsPageSize = 1 };
        foreach (var key in new[] { "a", "\uE000", "\U0001F600", "\U0001F600x" })
            store.Add("bkt", key, "u");

        var all = await ListAll(store, new UploadListing("bkt"));

        all.Select(u => u.Key).Should().Equal("a", "\uE000", "\U0001F600", "\U0001F600x");
    }

    [Fact]
    public async Task List_AnUnsortedSinglePage_YieldsEveryUpload()
    {
        var store = new UnsortedStore();
        store.Order.AddRange(new[] { "m", "a", "z", "b", "m" }.Select((k, i) => new ListedUpload(k, $"u{i}", DateTimeOffset.UnixEpoch)));

        var all = await ListAll(store, new UploadListing("bkt"));

        all.Select(u => u.UploadId).Should().Equal("u0", "u1", "u2", "u3", "u4");
    }

    [Fact]
    public async Task List_TheSameUploadTwiceOnOnePage_YieldsItOnce()
    {
        var store = new UnsortedStore();
        store.Order.AddRange([new("a", "1", null), new("a", "1", null), new("b", "1", null)]);

        var all = await ListAll(store, new UploadListing("bkt"));

        all.Select(u => $"{u.Key}/{u.UploadId}").Should().Equal("a/1", "b/1");
    }

    [Theory]
    [InlineData("a", "b", -1)]
    [InlineData("\uFFFD", "\U0001F600", -1)]
    [InlineData("\U0001F600", "\uE000", 1)]
    [InlineData("ab", "a", 1)]
    [InlineData("x", "x", 0)]
    public void KeyOrder_ComparesLikeUtf8Bytes(string a, string b, int sign)
    {
        Math.Sign(KeyOrder.Compare(a, b)).Should().Be(sign);
        Math.Sign(Compare(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b))).Should().Be(sign);

        static int Compare(byte[] x, byte[] y) => x.AsSpan().SequenceCompareTo(y);
    }
}
