namespace MultipartAbort.Core.Handlers;

/// <summary>A webhook: POST only, <c>X-Signature</c> checked before the body is read (fail closed without a secret).</summary>
internal sealed class WebhookHandler(RequestRunner requests, Settings settings, RefusalLog refusals, TimeProvider time)
{
    public async Task<HttpAnswer> HandleAsync(string method, string? signatureHeader, byte[] rawBody, Invocation invocation)
    {
        if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
            return HttpAnswer.Refused(405, $"method {method} is not allowed; POST a JSON request");
        var problem = WebhookSignature.Verify(signatureHeader, rawBody, settings.WebhookSecret?.Reveal(), time.GetUtcNow(), settings.WebhookTolerance);
        if (problem is not null)
        {
            refusals.Refused($"webhook refused: {problem}");
            return HttpAnswer.Refused(401, problem);
        }
        var payload = EventDecoder.DecodeBody(rawBody);
        var result = await requests.RunAsync(payload, AbortOptions.Direct, invocation).ConfigureAwait(false);
        return HttpAnswer.Ran(payload, result);
    }

    // A Lambda Function URL or API Gateway request.
    internal Task<HttpAnswer> HandleProxyAsync(HttpProxyEvent request, Invocation invocation)
    {
        byte[] body;
        try
        {
            body = request.IsBase64Encoded ? Convert.FromBase64String(request.Body ?? "") : Encoding.UTF8.GetBytes(request.Body ?? "");
        }
        catch (FormatException)
        {
            return Task.FromResult(HttpAnswer.Refused(400, "the body is marked base64 but is not valid base64"));
        }
        return HandleAsync(request.Method, request.Header(WebhookSignature.HeaderName), body, invocation);
    }
}
