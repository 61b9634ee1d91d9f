namespace MultipartAbort.Core.Ports;

/// <summary>
/// The three store calls the workflow makes. Implementations map "the upload does not exist"
/// to <see cref="StoreStatus.NoSuchUpload"/> and throw <see cref="StoreException"/> for everything else.
/// </summary>
public interface IObjectStore
{
    Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken);

    /// <summary>One page of ListParts, after <paramref name="partNumberMarker"/>; null when the upload does not exist.</summary>
    Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken);

    /// <summary>One page of ListMultipartUploads, in key then upload-id order.</summary>
    Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken);
}
