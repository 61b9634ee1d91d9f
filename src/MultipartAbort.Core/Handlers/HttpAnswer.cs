using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Core.Handlers;

public sealed record HttpAnswer(int Status, string Body, InvocationResult? Result)
{
    // 502 on a transient failure, so it is sent again.
    public static int StatusOf(RequestPayload payload, InvocationResult result) =>
        payload is InvalidPayload ? 400 : result.Summary[AbortOutcome.Failed] > 0 ? 502 : 200;

    public static HttpAnswer Ran(RequestPayload payload, InvocationResult result) => new(StatusOf(payload, result), ResultJson.ResultText(result), result);

    public static HttpAnswer Refused(int status, string message) => new(status, ResultJson.Error(message), null);

    internal HttpProxyResponse ToProxyResponse() => new() { StatusCode = Status, Body = Body };
}
