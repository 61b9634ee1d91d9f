namespace MultipartAbort.Core.Handlers;

public sealed record HttpAnswer(int Status, string Body, InvocationResult? Result)
{
    // 502 on a transient failure, so it is sent again; OpenWhisk reads "error" on a failed activation: withError puts the result beside it.
    internal static HttpAnswer Ran(RequestPayload payload, InvocationResult result, bool withError = false) =>
        (payload is InvalidPayload ? 400 : result.Summary[AbortOutcome.Failed] > 0 ? 502 : 200) is var status && (status == 200 || !withError)
            ? new(status, ResultJson.ResultText(result), result)
            : new(status, WithError($"{result.Summary[AbortOutcome.Failed]} upload(s) failed transiently; see result", result), result);

    internal static HttpAnswer Refused(int status, string message) => new(status, ResultJson.Error(message), null);

    internal HttpProxyResponse ToProxyResponse() => new(Status, new() { ["Content-Type"] = "application/json" }, Body, false);

    private static string WithError(string message, InvocationResult result) =>
        ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WritePropertyName("result");
            json.WriteRawValue(ResultJson.Result(result), skipInputValidation: true);
            json.WriteEndObject();
        });
}

/// <summary>What a host sends back for an event, and the counts for metrics. Succeeded is <c>mpa invoke</c>'s exit code.</summary>
public sealed record EventAnswer(byte[] Body, OutcomeCounts Counts, InvocationResult? Result, bool Succeeded)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}
