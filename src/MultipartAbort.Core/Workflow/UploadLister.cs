using System.Runtime.CompilerServices;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Workflow;

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
/// never compared. Keys are compared in S3's order (UTF-8 bytes), not .NET's UTF-16 ordinal order.
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

        while (true)
        {
            var page = await store.ListUploadsAsync(listing, ct).ConfigureAwait(false);
            onPage?.Invoke(page);

            // Which uploads are new is decided against the frontier as it was before this page, so a page that
            // is not sorted (moto answers in creation order) still yields all of its uploads.
            pageIds.Clear();
            var fresh = new List<ListedUpload>(page.Uploads.Count);
            foreach (var upload in page.Uploads)
                if (frontier.IsNew(upload) && pageIds.Add((upload.Key, upload.UploadId)))
                    fresh.Add(upload);
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
                frontier.Advance(fresh, page.Uploads);
                if (!page.IsTruncated && !suspectLast)
                    yield break;
                mode = frontier.Boundary is null ? ResumeMode.Exact : ResumeMode.Boundary;
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
