using System.Runtime.CompilerServices;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Sweep;

/// <summary>
/// Streams ListMultipartUploads over all pages, one page in memory at a time, and defends against servers with
/// listing bugs: a page that repeats the marker upload, a wrong IsTruncated (either way), a missing
/// NextUploadIdMarker, a server that ignores upload-id-marker (and so drops uploads sharing a key at a page
/// edge), a server that ignores markers or max-uploads, and a single page that is not sorted. It yields each
/// upload at most once, never loops, and ends with a <see cref="StoreException"/> rather than silently stop
/// when a server cannot be listed past some point.
/// </summary>
/// <remarks>
/// The lister keeps a frontier instead of a set of every upload seen, so memory stays flat: every key below
/// the frontier key is done, and for the frontier key itself the ids already yielded are kept (the uploads of
/// one key, normally one or two). Within a key, S3 orders uploads by initiation time, not by id, so ids are
/// never compared. Keys are compared in S3's order (UTF-8 bytes), not .NET's UTF-16 ordinal order, until the server
/// shows an order of its own (Ceph RGW); from then on the lister follows the server's order with the exact markers of
/// the last upload received, which such a server honours (<see cref="ListsInOwnOrder"/>).
/// The server's NextKeyMarker/NextUploadIdMarker are never used: the next request always resumes from what
/// was actually received.
/// </remarks>
public static class UploadLister
{
    /// <summary>S3's largest (and default) page; asked for explicitly so a full page can be told from a last one.</summary>
    public const int DefaultPageSize = 1000;

    public static async IAsyncEnumerable<ListedUpload> ListAsync(
        IObjectStore store,
        UploadListing start,
        [EnumeratorCancellation] CancellationToken ct,
        Action<UploadsPage>? onPage = null,
        ListingCheckpoint? checkpoint = null
    )
    {
        var pageSize = start.MaxUploads ?? DefaultPageSize;
        var frontier = Frontier.From(start);
        var listing = start with { MaxUploads = pageSize };
        var mode = ResumeMode.Exact;
        var pageIds = new HashSet<(string, string)>();
        var previousIds = new HashSet<(string, string)>(); // every upload of the previous page
        ListedUpload? previousLast = null;
        var ownOrder = false;

        while (true)
        {
            var page = await store.ListUploadsAsync(listing, ct).ConfigureAwait(false);
            onPage?.Invoke(page);
            if (!ownOrder && ListsInOwnOrder(page, pageSize, frontier.Key, previousIds))
            {
                // Judged by S3's order this page may already have lost uploads (a key-marker alone is inclusive on
                // RGW; the frontier drops keys below it). It is set aside and asked for again in the server's order,
                // exactly after the previous page's last upload; a first page is simply read in that order.
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

            // Which uploads are new is decided against the frontier as it was before this page, so a page that
            // is not sorted (moto answers in creation order) still yields all of its uploads. A server with an
            // order of its own resumes exactly after the marker, so there only the previous page's uploads (a
            // server that repeats the marker upload) are not new.
            pageIds.Clear();
            var fresh = new List<ListedUpload>(page.Uploads.Count);
            foreach (var upload in page.Uploads)
                if ((ownOrder ? !previousIds.Contains((upload.Key, upload.UploadId)) : frontier.IsNew(upload)) && pageIds.Add((upload.Key, upload.UploadId)))
                    fresh.Add(upload);
            previousIds.Clear();
            foreach (var upload in page.Uploads)
                previousIds.Add((upload.Key, upload.UploadId));
            if (page.Uploads.Count > 0)
                previousLast = page.Uploads[^1];
            if (fresh.Count > 0)
                checkpoint?.Page(listing, page.Uploads, fresh);
            for (var i = 0; i < fresh.Count; i++)
            {
                checkpoint?.Yielded(i + 1);
                yield return fresh[i];
            }

            // A last page is taken on its word only when it is empty: IsTruncated can be wrong, and one more
            // request per listing settles it. (A page larger than asked comes from a server that ignores
            // max-uploads and sent everything, such as moto; asking again would only repeat it.)
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
                // Nothing new. A correct server never does this on a truncated page resumed with exact markers.
                if (!page.IsTruncated)
                    yield break;
                if (count == 0 && mode != ResumeMode.Boundary)
                    yield break; // nothing at all after the last upload: the listing is over, whatever IsTruncated said
                mode = mode switch
                {
                    ResumeMode.Boundary => ResumeMode.Exact,
                    // A key-marker alone is inclusive on Ceph RGW: the page is the uploads of a key already done.
                    // Stepping through them by upload-id-marker gets past it; a server that answers the same page
                    // again ends in the Successor step below.
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

    /// <summary>
    /// Whether the server lists in an order of its own rather than S3's (Ceph RGW sorts by its internal
    /// <c>key.uploadId.meta</c> names, so <c>file name</c> and <c>file-x</c> come before <c>file</c>): a page it
    /// cut at the page size that is not in S3's key order, or a page with a key below the frontier that the previous
    /// page did not bring (a server that ignores markers repeats what it sent; this one went on in its own order).
    /// Judged by S3's order, such a server's next page would look like uploads already listed, and be dropped. One
    /// page holding everything unsorted (moto ignores max-uploads and answers in creation order) is not a sign:
    /// every upload of it is new anyway.
    /// </summary>
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

    /// <summary>How the next page is asked for, from the most to the least forgiving of server bugs.</summary>
    private enum ResumeMode
    {
        /// <summary>key-marker = a key before the last one, no upload-id-marker: the server re-sends the last key's
        /// uploads, so a server that ignores upload-id-marker cannot drop those that share it.</summary>
        Boundary,

        /// <summary>key-marker and upload-id-marker of the last upload received, as S3 documents.</summary>
        Exact,

        /// <summary>upload-id-marker just past the last id: gets a server that includes the marker upload in its
        /// answer, with a page size of one, past it.</summary>
        Successor,
    }

    /// <summary>
    /// Everything below <see cref="Key"/> is done; of <see cref="Key"/> itself, the ids in the set are done (or
    /// all of them, when a listing started from a key-marker alone).
    /// </summary>
    private sealed class Frontier
    {
        private readonly HashSet<string> _idsOfKey = new(StringComparer.Ordinal);
        private bool _wholeKeyDone;

        public string? Key { get; private set; }

        /// <summary>The last id of <see cref="Key"/> received, in the server's order.</summary>
        public string? LastId { get; private set; }

        /// <summary>The greatest key below <see cref="Key"/> on the last page, if any.</summary>
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
            var top = fresh[0].Key;
            foreach (var u in fresh)
                if (KeyOrder.Compare(u.Key, top) > 0)
                    top = u.Key;
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

            Boundary = null;
            foreach (var u in page)
                if (KeyOrder.Compare(u.Key, Key) < 0 && (Boundary is null || KeyOrder.Compare(u.Key, Boundary) > 0))
                    Boundary = u.Key;
        }

        /// <summary>
        /// A page holding only uploads of <see cref="Key"/>, all done already: the next page is asked for after its last
        /// one, unless that is where this page was asked from.
        /// </summary>
        public bool StepsThroughDoneKey(IReadOnlyList<ListedUpload> page)
        {
            if (!_wholeKeyDone || page.Count == 0 || page[^1].UploadId == LastId || page.Any(u => u.Key != Key))
                return false;
            LastId = page[^1].UploadId;
            return true;
        }

        /// <summary>On a server with its own order: the next page starts after the last upload received, in that order.</summary>
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
                // Upload ids never hold control characters (the request parser refuses them), so no id sorts
                // between "id" and "id" + U+0009, and a server that wrongly includes the marker now skips it.
                _ => listing with { KeyMarker = Key, UploadIdMarker = LastId + "\t" },
            };
    }
}
