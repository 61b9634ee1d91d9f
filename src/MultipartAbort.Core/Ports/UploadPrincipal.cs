namespace MultipartAbort.Core.Ports;

/// <summary>Who started or owns an upload, as ListMultipartUploads names them (Initiator, Owner); either part may be missing.</summary>
public sealed record UploadPrincipal(string? Id, string? DisplayName);
