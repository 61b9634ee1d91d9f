using MultipartAbort.Adapters.Iam;

namespace MultipartAbort.Adapters;

internal sealed class StoreHttpClientFactory(IamTokenProvider? tokens, string? serviceInstanceId) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = clientConfig.MaxConnectionsPerServer ?? int.MaxValue,
        };
        HttpMessageHandler inner = tokens is null ? sockets : new BearerTokenHandler(tokens) { InnerHandler = sockets };
        var client = new HttpClient(new StoreHeadersHandler(serviceInstanceId) { InnerHandler = inner });
        if (clientConfig.Timeout is { } timeout)
            client.Timeout = timeout;
        return client;
    }

    // Cached per S3 client (a null key): one token provider's clients must never serve another's.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string? GetConfigUniqueString(IClientConfig clientConfig) => null;
}
