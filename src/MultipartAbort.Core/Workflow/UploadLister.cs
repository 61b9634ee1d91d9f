using System.Runtime.CompilerServices;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Workflow;

/// <summary>
/// Streams ListMultipartUploads over all pages, one page in memory at a time, and defends against servers
/// with listing bugs: a page that repeats the marker upload, a wrong IsTruncated, a missing
/// NextUploadIdMarker. It always makes progress, never loops and never yields one upload twice.
/// </summary>
public static class UploadLister
{
    public static async IAsyncEnumerable<ListedUpload> ListAsync(
        IObjectStore store,
        UploadListing start,
        [EnumeratorCancellation] CancellationToken ct,
        Action<UploadsPage>? onPage = null
    )
    {
        var listing = start;
        (string Key, string UploadId)? last = start.KeyMarker is { } k ? (k, start.UploadIdMarker ?? "") : null;
        while (true)
        {
            var page = await store.ListUploadsAsync(listing, ct).ConfigureAwait(false);
            onPage?.Invoke(page);
            var progressed = false;
            foreach (var upload in page.Uploads)
            {
                // Uploads come in key, then upload-id order; anything at or before the last one yielded is a repeat.
                if (last is { } l && Compare(upload.Key, upload.UploadId, l.Key, l.UploadId) <= 0)
                    continue;
                last = (upload.Key, upload.UploadId);
                progressed = true;
                yield return upload;
            }
            if (!page.IsTruncated || !progressed || last is null)
                yield break;
            // Resume after the last upload seen, whatever markers the server gave: a missing or stale
            // NextUploadIdMarker would otherwise skip or repeat uploads that share a key.
            listing = listing with { KeyMarker = last.Value.Key, UploadIdMarker = last.Value.UploadId };
        }
    }

    internal static int Compare(string keyA, string idA, string keyB, string idB)
    {
        var byKey = string.CompareOrdinal(keyA, keyB);
        return byKey != 0 ? byKey : string.CompareOrdinal(idA, idB);
    }
}
