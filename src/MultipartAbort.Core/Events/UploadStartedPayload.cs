namespace MultipartAbort.Core.Events;

/// <summary>An upload-started event: arms the upload TTL timer when UPLOAD_TTL is set.</summary>
public sealed record UploadStartedPayload(UploadStart Start) : RequestPayload;
