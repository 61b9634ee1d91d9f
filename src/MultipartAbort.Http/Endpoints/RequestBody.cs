using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Http.Endpoints;

/// <summary>Reads a request's raw body (signatures cover the exact bytes); past Kestrel's limit, a 413 naming it.</summary>
public static class RequestBody
{
    /// <summary>The body, or the answer to send instead (413 when it is too large, 400 when the client broke off).</summary>
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

    /// <summary>A JSON answer with a status (the core has already written the body).</summary>
    public static IResult Json(int status, string body) => Results.Text(body, "application/json", System.Text.Encoding.UTF8, status);
}
