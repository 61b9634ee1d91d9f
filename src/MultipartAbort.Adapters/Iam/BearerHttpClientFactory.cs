using System.Net;
using Amazon.Runtime;

namespace MultipartAbort.Adapters.Iam;

/// <summary>Gives the S3 client HTTP clients whose pipeline carries IAM bearer tokens (<see cref="BearerTokenHandler"/>).</summary>
internal sealed class BearerHttpClientFactory(IamTokenProvider tokens) : HttpClientFactory
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
        var client = new HttpClient(new BearerTokenHandler(tokens) { InnerHandler = sockets });
        if (clientConfig.Timeout is { } timeout)
            client.Timeout = timeout;
        return client;
    }

    // Cached per S3 client (a null key): one token provider's clients must never serve another's.
    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string? GetConfigUniqueString(IClientConfig clientConfig) => null;
}
