using System.Runtime.CompilerServices;

namespace MultipartAbort.Core.Sweep;

/// <summary>Streams ListMultipartUploads, each upload at most once despite server bugs; throws rather than stop silently.</summary>
// Flat memory (a frontier key and its yielded ids); markers come from what was received, never NextKeyMarker.
internal static class UploadLister
{
    // Asked for explicitly so a full page can be told from a last one.
    public const int DefaultPageSize = 1000;

    public static async IAsyncEnumerable<ListedUpload> ListAsync(
        IObjectStore store,
        UploadListing start,
        [EnumeratorCancellation] CancellationToken ct,
        Action<UploadsPage>? onPage = null,
        ListingCheckpoint? checkpoint = null,
        Func<ListedUpload, bool>? keep = null
    )
    {
        var pageSize = start.MaxUploads ?? DefaultPageSize;
        var frontier = Frontier.From(start);
        var listing = start with { MaxUploads = pageSize };
        var mode = ResumeMode.Exact;
        var previousIds = new HashSet<(string, string)>(); // every upload of the previous page
        ListedUpload? previousLast = null;
        var ownOrder = false;

        while (true)
        {
            var page = await store.ListUploadsAsync(listing, ct).ConfigureAwait(false);
            onPage?.Invoke(page);
            if (!ownOrder && ListsInOwnOrder(page, pageSize, frontier.Key, previousIds))
            {
                // Judged by S3's order this page may have lost uploads: ask again in the server's order.
                ownOrder = true;
                checkpoint?.FollowServerOrder();
                if (previousLast is { } last)
                {
                    frontier.Follow(last);
                    mode = ResumeMode.Exact;
                    listing = frontier.Markers(listing, mode);
                    continue;
                }
            }

            // Judged against the frontier before this page, so an unsorted page (moto) still yields everything.
            var fresh = page.Uploads.Where(u => ownOrder ? !previousIds.Contains((u.Key, u.UploadId)) : frontier.IsNew(u)).DistinctBy(u => (u.Key, u.UploadId)).ToList();
            previousIds = [.. page.Uploads.Select(u => (u.Key, u.UploadId))];
            if (page.Uploads.Count > 0)
                previousLast = page.Uploads[^1];
            if (fresh.Count > 0)
                checkpoint?.Page(listing, page.Uploads, fresh);
            for (var i = 0; i < fresh.Count; i++)
            {
                // A filtered-out upload still counts as listed, so the markers move past it.
                checkpoint?.Yielded(i + 1);
                if (keep is null || keep(fresh[i]))
                    yield return fresh[i];
            }

            // IsTruncated can be wrong: only an empty page ends the listing (or an oversized one: max-uploads ignored).
            var count = page.Uploads.Count;
            var suspectLast = !page.IsTruncated && count > 0 && count <= pageSize;

            if (fresh.Count > 0)
            {
                if (ownOrder)
                    frontier.Follow(page.Uploads[^1]);
                else
                    frontier.Advance(fresh, page.Uploads);
                if (!page.IsTruncated && !suspectLast)
                    yield break;
                mode = frontier.Boundary is null || ownOrder ? ResumeMode.Exact : ResumeMode.Boundary;
            }
            else
            {
                if (!page.IsTruncated)
                    yield break;
                if (count == 0 && mode != ResumeMode.Boundary)
                    yield break; // nothing at all after the last upload: the listing is over, whatever IsTruncated said
                mode = mode switch
                {
                    ResumeMode.Boundary => ResumeMode.Exact,
                    // A key-marker alone is inclusive on Ceph RGW.
                    ResumeMode.Exact when frontier.StepsThroughDoneKey(page.Uploads) => ResumeMode.Exact,
                    ResumeMode.Exact when frontier.LastId is not null => ResumeMode.Successor,
                    _ => throw new StoreException(
                        "ListMultipartUploads",
                        $"the server keeps answering with uploads already listed after key '{frontier.Key}' (upload {frontier.LastId ?? "-"}); "
                            + "stopping here rather than looping. The uploads after that point were not listed",
                        isTransient: false
                    ),
                };
            }
            listing = frontier.Markers(listing, mode);
        }
    }

    // Ceph RGW sorts by key.uploadId.meta, so its next page looks already listed; one unsorted page of all (moto) is no sign.
    private static bool ListsInOwnOrder(UploadsPage page, int pageSize, string? frontierKey, HashSet<(string, string)> previousIds)
    {
        var uploads = page.Uploads;
        if (uploads.Count > pageSize)
            return false;
        for (var i = 0; i < uploads.Count; i++)
        {
            if (page.IsTruncated && i > 0 && KeyOrder.Compare(uploads[i].Key, uploads[i - 1].Key) < 0)
                return true;
            if (frontierKey is not null && KeyOrder.Compare(uploads[i].Key, frontierKey) < 0 && !previousIds.Contains((uploads[i].Key, uploads[i].UploadId)))
                return true;
        }
        return false;
    }

    private enum ResumeMode
    {
        // key-marker before the last key: ignoring upload-id-marker then drops none.
        Boundary,

        Exact,

        // Steps past a server that includes the marker upload.
        Successor,
    }

    /// <summary>Below <see cref="Key"/> all is done; of Key, the ids in the set (or all, after a key-marker alone).</summary>
    private sealed class Frontier
    {
        private readonly HashSet<string> _idsOfKey = new(StringComparer.Ordinal);
        private bool _wholeKeyDone;

        public string? Key { get; private set; }

        public string? LastId { get; private set; }

        public string? Boundary { get; private set; }

        public static Frontier From(UploadListing start)
        {
            var f = new Frontier { Key = start.KeyMarker };
            if (start.KeyMarker is null)
                return f;
            if (start.UploadIdMarker is { } id)
            {
                f._idsOfKey.Add(id);
                f.LastId = id;
            }
            else
                f._wholeKeyDone = true; // S3: a key-marker alone lists only keys after it
            return f;
        }

        public bool IsNew(ListedUpload u)
        {
            if (Key is null)
                return true;
            var c = KeyOrder.Compare(u.Key, Key);
            return c > 0 || (c == 0 && !_wholeKeyDone && !_idsOfKey.Contains(u.UploadId));
        }

        public void Advance(List<ListedUpload> fresh, IReadOnlyList<ListedUpload> page)
        {
            var top = fresh.Select(u => u.Key).Max(KeyOrder.Comparer)!;
            if (Key is null || KeyOrder.Compare(top, Key) > 0)
            {
                Key = top;
                _idsOfKey.Clear();
                _wholeKeyDone = false;
                LastId = null;
            }
            foreach (var u in fresh)
                if (u.Key == Key && _idsOfKey.Add(u.UploadId))
                    LastId = u.UploadId;

            Boundary = page.Select(u => u.Key).Where(k => KeyOrder.Compare(k, Key) < 0).Max(KeyOrder.Comparer);
        }

        public bool StepsThroughDoneKey(IReadOnlyList<ListedUpload> page)
        {
            if (!_wholeKeyDone || page.Count == 0 || page[^1].UploadId == LastId || page.Any(u => u.Key != Key))
                return false;
            LastId = page[^1].UploadId;
            return true;
        }

        public void Follow(ListedUpload last)
        {
            Key = last.Key;
            LastId = last.UploadId;
            _idsOfKey.Clear();
            _wholeKeyDone = false;
            Boundary = null;
        }

        public UploadListing Markers(UploadListing listing, ResumeMode mode) =>
            mode switch
            {
                ResumeMode.Boundary => listing with { KeyMarker = Boundary, UploadIdMarker = null },
                ResumeMode.Exact => listing with { KeyMarker = Key, UploadIdMarker = LastId },
                // Ids hold no control characters, so "id" + U+0009 skips a wrongly included marker.
                _ => listing with { KeyMarker = Key, UploadIdMarker = LastId + "\t" },
            };
    }
}
