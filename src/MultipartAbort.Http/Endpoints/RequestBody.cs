namespace MultipartAbort.Http.Endpoints;

/// <summary>The raw body, as signatures cover the exact bytes.</summary>
public static class RequestBody
{
    /// <summary>413 when too large, 400 when the client broke off.</summary>
    public static async Task<(byte[]? Body, IResult? Refusal)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var buffer = new MemoryStream(request.ContentLength is > 0 and <= HttpHost.MaxRequestBodyBytes ? (int)request.ContentLength : 4096);
            await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return (buffer.ToArray(), null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Json(StatusCodes.Status413PayloadTooLarge, ResultJson.Error($"the body is larger than {HttpHost.MaxRequestBodyBytes} bytes ({HttpHost.MaxRequestBodyBytes / 1024} KiB), the most this host accepts; split a batch into smaller ones")));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, Json(ex.StatusCode, ResultJson.Error($"the body could not be read: {ex.Message}")));
        }
    }

    public static IResult Json(int status, string body) => Results.Text(body, "application/json", System.Text.Encoding.UTF8, status);

    public static IResult Answer(HttpAnswer answer, OutcomeMetrics metrics)
    {
        metrics.Add(answer.Result);
        return Json(answer.Status, answer.Body);
    }
}
