namespace MultipartAbort.Core.Ports;

/// <summary>A missing upload is <see cref="StoreStatus.NoSuchUpload"/>; all else throws <see cref="StoreException"/>.</summary>
public interface IObjectStore
{
    Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken);

    // Null when the upload does not exist.
    Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken);

    Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken);
}
