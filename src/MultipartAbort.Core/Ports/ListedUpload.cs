namespace MultipartAbort.Core.Ports;

public sealed record ListedUpload(string Key, string UploadId, DateTimeOffset? Initiated)
{
    // Null when the store gave none.
    public UploadPrincipal? Initiator { get; init; }

    public UploadPrincipal? Owner { get; init; }
}
