using System.Net;

namespace MultipartAbort.Lambda.Client;

public sealed class RuntimeApiException(string operation, HttpStatusCode status, string body)
    : Exception($"Runtime API {operation} answered {(int)status} {status}: {(body.Length > 500 ? body[..500] : body)}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>500 means "container error, non-recoverable state: the runtime should exit promptly".</summary>
    public bool IsFatal => Status == HttpStatusCode.InternalServerError;
}
