namespace MultipartAbort.Core.Events;

/// <summary>An upload-started event: arms the upload TTL timer when UPLOAD_TTL is set.</summary>
internal sealed record UploadStartedPayload(UploadStart Start) : RequestPayload;
