using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Sweep;

/// <summary>Where a part-way listing can restart without losing an upload, even on a buggy server.</summary>
/// <remarks>
/// It names a key-marker alone when it can: resuming from the last key and upload id would lose that key's other
/// uploads on a server that ignores upload-id-marker. The cost: the last key may be listed again.
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

    /// <summary>The server lists in its own order (Ceph RGW) and honours exact markers in it: resume right after the last upload.</summary>
    internal void FollowServerOrder() => _serverOrder = true;

    /// <summary>The markers to list from next. Only the last page's uploads are looked at, once.</summary>
    public (string? KeyMarker, string? UploadIdMarker) ResumeFrom()
    {
        if (_page.Count == 0)
            return Request();
        if (_serverOrder)
            return _yielded == 0 ? Request() : (_fresh[_yielded - 1].Key, _fresh[_yielded - 1].UploadId);

        // Every key below `below` is yielded; the rest may share the page's greatest key with the next page.
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
    /// Where a sweep resumes: <see cref="ResumeFrom"/>, or after the last upload listed when that is where it began,
    /// so each continuation gets further.
    /// </summary>
    public (string? KeyMarker, string? UploadIdMarker) ResumeAfter((string Key, string UploadId)? last)
    {
        var begun = (_start.KeyMarker, _start.UploadIdMarker);
        if (last is not { } l)
            return begun;
        var resume = ResumeFrom();
        return resume == begun ? l : resume;
    }

    /// <summary>What fetched the page, with the real id in place of a made-up "id + tab" marker.</summary>
    private (string?, string?) Request() => (_request.KeyMarker, _request.UploadIdMarker?.TrimEnd('\t'));
}
