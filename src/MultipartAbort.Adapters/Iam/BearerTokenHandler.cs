using System.Net.Http.Headers;

namespace MultipartAbort.Adapters.Iam;

// The SDK signs nothing; on 401/403 a new token and one retry.
internal sealed class BearerTokenHandler(IamTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Buffered so it can be sent twice; store request bodies are small.
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
