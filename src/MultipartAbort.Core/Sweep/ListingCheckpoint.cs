using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Sweep;

/// <summary>
/// Where a listing stopped part-way can start again without losing an upload, on a server with the listing bugs
/// <see cref="UploadLister"/> defends against as well as on a correct one. <see cref="UploadLister"/> keeps it up to
/// date as it yields; a sweep that stops early reads it once, for its continuation and its resume hint.
/// </summary>
/// <remarks>
/// It names a key-marker alone whenever it can: every upload of every key up to and including that key has been
/// yielded (or was done before this page), and S3 lists only the keys after it. Resuming from the last upload's
/// key and upload id instead would lose the rest of that key's uploads on a server that ignores upload-id-marker,
/// and, on a server that sends a page unsorted, the keys below it not yet yielded. The cost is that the key of the
/// last upload yielded may be listed again; what was aborted is gone by then, and anything else is looked at again.
/// </remarks>
public sealed class ListingCheckpoint(UploadListing start)
{
    private readonly UploadListing _start = start;
    private UploadListing _request = start;
    private IReadOnlyList<ListedUpload> _page = [];
    private List<ListedUpload> _fresh = [];
    private int _yielded;
    private bool _serverOrder;

    /// <summary>A page with uploads not yielded before, fetched by <paramref name="request"/>.</summary>
    internal void Page(UploadListing request, IReadOnlyList<ListedUpload> page, List<ListedUpload> fresh)
    {
        _request = request;
        _page = page;
        _fresh = fresh;
        _yielded = 0;
    }

    /// <summary>The first <paramref name="count"/> of the page's new uploads have been yielded.</summary>
    internal void Yielded(int count) => _yielded = count;

    /// <summary>
    /// The server lists in an order of its own (Ceph RGW) and honours exact markers in it: from now on the listing
    /// resumes right after the last upload yielded, in the server's order, and S3's key order says nothing.
    /// </summary>
    internal void FollowServerOrder() => _serverOrder = true;

    /// <summary>The markers to list from next. Only the last page's uploads are looked at, once.</summary>
    public (string? KeyMarker, string? UploadIdMarker) ResumeFrom()
    {
        if (_page.Count == 0)
            return Request();
        if (_serverOrder)
            return _yielded == 0 ? Request() : (_fresh[_yielded - 1].Key, _fresh[_yielded - 1].UploadId);

        // Every upload with a key below `below` has been yielded: the new ones not yet yielded are at or above it,
        // and so may be the uploads of the page's greatest key that the next page would bring.
        var below = _page[0].Key;
        foreach (var u in _page)
            if (KeyOrder.Compare(u.Key, below) > 0)
                below = u.Key;
        for (var i = _yielded; i < _fresh.Count; i++)
            if (KeyOrder.Compare(_fresh[i].Key, below) < 0)
                below = _fresh[i].Key;

        string? done = null;
        foreach (var u in _page)
            if (KeyOrder.Compare(u.Key, below) < 0 && (done is null || KeyOrder.Compare(u.Key, done) > 0))
                done = u.Key;
        if (done is null || (_request.KeyMarker is { } asked && KeyOrder.Compare(done, asked) < 0))
            return Request();
        return (done, null);
    }

    /// <summary>
    /// Where a sweep that listed up to <paramref name="last"/> resumes: <see cref="ResumeFrom"/>, unless that is where
    /// the listing began although something was listed (all of it in the first page's first key); then after the last
    /// upload listed, so each continuation gets further than the one before it.
    /// </summary>
    public (string? KeyMarker, string? UploadIdMarker) ResumeAfter((string Key, string UploadId)? last)
    {
        var begun = (_start.KeyMarker, _start.UploadIdMarker);
        if (last is not { } l)
            return begun;
        var resume = ResumeFrom();
        return resume == begun ? l : resume;
    }

    /// <summary>
    /// What fetched the page. Its upload-id-marker may be one the lister made up to step past a server that
    /// repeats the marker (an id and a tab); the id itself is given instead, so the marker is one a request may carry.
    /// </summary>
    private (string?, string?) Request() => (_request.KeyMarker, _request.UploadIdMarker?.TrimEnd('\t'));
}
