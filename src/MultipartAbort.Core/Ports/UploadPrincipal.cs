namespace MultipartAbort.Core.Ports;

public sealed record UploadPrincipal(string? Id, string? DisplayName);
