namespace MultipartAbort.Core.Ports;

/// <summary>The workflow's store calls: a missing upload is <see cref="StoreStatus.NoSuchUpload"/>, all else throws <see cref="StoreException"/>.</summary>
public interface IObjectStore
{
    Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken);

    /// <summary>One page of ListParts, after <paramref name="partNumberMarker"/>; null when the upload does not exist.</summary>
    Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken);

    /// <summary>One page of ListMultipartUploads, in key then upload-id order.</summary>
    Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken);
}
