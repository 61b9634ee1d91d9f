namespace MultipartAbort.Core.Sweep;

/// <summary>Where a listing can restart without losing an upload, even on a buggy server.</summary>
// A key-marker alone when it can: last key + upload id would lose that key's other uploads where upload-id-marker is ignored.
internal sealed class ListingCheckpoint(UploadListing start)
{
    private readonly UploadListing _start = start;
    private UploadListing _request = start;
    private IReadOnlyList<ListedUpload> _page = [];
    private List<ListedUpload> _fresh = [];
    private int _yielded;
    private bool _serverOrder;

    internal void Page(UploadListing request, IReadOnlyList<ListedUpload> page, List<ListedUpload> fresh)
    {
        _request = request;
        _page = page;
        _fresh = fresh;
        _yielded = 0;
    }

    internal void Yielded(int count) => _yielded = count;

    // Ceph RGW lists in its own order and honours exact markers in it.
    internal void FollowServerOrder() => _serverOrder = true;

    public (string? KeyMarker, string? UploadIdMarker) ResumeFrom()
    {
        if (_page.Count == 0)
            return Request();
        if (_serverOrder)
            return _yielded == 0 ? Request() : (_fresh[_yielded - 1].Key, _fresh[_yielded - 1].UploadId);

        // Every key below `below` is yielded; the rest may share the page's greatest key with the next page.
        var below = _page.Select(u => u.Key).Max(KeyOrder.Comparer)!;
        below = _fresh.Skip(_yielded).Select(u => u.Key).Append(below).Min(KeyOrder.Comparer)!;
        var done = _page.Select(u => u.Key).Where(k => KeyOrder.Compare(k, below) < 0).Max(KeyOrder.Comparer);
        if (done is null || (_request.KeyMarker is { } asked && KeyOrder.Compare(done, asked) < 0))
            return Request();
        return (done, null);
    }

    // Or after the last upload listed when that is where it began, so each continuation gets further.
    public (string? KeyMarker, string? UploadIdMarker) ResumeAfter((string Key, string UploadId)? last)
    {
        var begun = (_start.KeyMarker, _start.UploadIdMarker);
        if (last is not { } l)
            return begun;
        var resume = ResumeFrom();
        return resume == begun ? l : resume;
    }

    // The real id in place of a made-up "id + tab" marker.
    private (string?, string?) Request() => (_request.KeyMarker, _request.UploadIdMarker?.TrimEnd('\t'));
}
