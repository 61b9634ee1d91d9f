using System.Net;
using System.Net.Http.Headers;

namespace MultipartAbort.Adapters.Iam;

/// <summary>
/// Sits under the S3 client (whose credentials are anonymous, so the SDK signs nothing) and authorises each
/// request with <c>Authorization: Bearer</c>. When COS refuses the token (401/403), it asks for a new one and sends
/// the request again once.
/// </summary>
internal sealed class BearerTokenHandler(IamTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Buffered, the body can be sent a second time; the store's request bodies are small (a ledger entry at most).
        if (request.Content is not null)
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);

        var token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized))
            return response;

        var fresh = await tokens.TokenAfterRejectionAsync(token, cancellationToken).ConfigureAwait(false);
        if (fresh is null)
            return response;
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
