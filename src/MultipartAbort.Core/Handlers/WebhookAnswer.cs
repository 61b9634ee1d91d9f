using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

/// <summary>An HTTP answer: the status, the JSON body, and the result when the request got as far as running.</summary>
public sealed record WebhookAnswer(int Status, string Body, InvocationResult? Result)
{
    public HttpProxyResponse ToProxyResponse() => new() { StatusCode = Status, Body = Body };
}
