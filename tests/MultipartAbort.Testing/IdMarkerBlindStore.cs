using MultipartAbort.Core.Ports;

namespace MultipartAbort.Testing;

/// <summary>
/// Takes upload-id-marker for nothing, so a key-marker with one lists only the keys after it: the uploads sharing
/// the marker's key after the marker upload are never listed from there (the proxy's ListingPager.IgnoresUploadIdMarker).
/// </summary>
public sealed class IdMarkerBlindStore : ScriptedObjectStore
{
    public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken) =>
        base.ListUploadsAsync(listing with { UploadIdMarker = null }, cancellationToken);
}
