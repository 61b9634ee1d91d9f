using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Core.Handlers;

/// <summary>An HTTP answer (webhook, CloudEvent): the status, the JSON body, and the result when the request got as far as running.</summary>
public sealed record HttpAnswer(int Status, string Body, InvocationResult? Result)
{
    /// <summary>The status of a request that ran: 400 malformed, 502 on a transient failure (so it is sent again), else 200.</summary>
    public static int StatusOf(RequestPayload payload, InvocationResult result) =>
        payload is InvalidPayload ? 400 : result.Summary[AbortOutcome.Failed] > 0 ? 502 : 200;

    /// <summary>The answer to a request that ran: its status and the result as the body.</summary>
    public static HttpAnswer Ran(RequestPayload payload, InvocationResult result) => new(StatusOf(payload, result), ResultJson.ResultText(result), result);

    /// <summary>A refusal: the status and <c>{"error": "..."}</c>.</summary>
    public static HttpAnswer Refused(int status, string message) => new(status, ResultJson.Error(message), null);

    internal HttpProxyResponse ToProxyResponse() => new() { StatusCode = Status, Body = Body };
}
