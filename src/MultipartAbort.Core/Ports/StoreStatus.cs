namespace MultipartAbort.Core.Ports;

public enum StoreStatus
{
    Ok,
    NoSuchUpload,
}
