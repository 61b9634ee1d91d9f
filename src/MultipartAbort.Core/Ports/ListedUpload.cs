namespace MultipartAbort.Core.Ports;

public sealed record ListedUpload(string Key, string UploadId, DateTimeOffset? Initiated)
{
    /// <summary>Who started the upload; null when the store gave none.</summary>
    public UploadPrincipal? Initiator { get; init; }

    /// <summary>Who owns the upload; null when the store gave none.</summary>
    public UploadPrincipal? Owner { get; init; }
}
