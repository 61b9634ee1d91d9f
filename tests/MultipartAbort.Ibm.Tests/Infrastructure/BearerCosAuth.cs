using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Ibm.Tests.Infrastructure;

/// <summary>
/// What makes a <see cref="LoopbackS3Proxy"/> in front of moto an "IBM COS": a request passes only with
/// <c>Authorization: Bearer</c> and a token the IAM server says is valid now, and without any trace of SigV4
/// (X-Amz-Date, an AWS4 Authorization, a presigned query). Refusals are COS's 403 AccessDenied; accepted requests
/// lose the bearer header and go on to moto.
/// </summary>
public sealed class BearerCosAuth(IamTokenServer iam) : ProxyBehaviour
{
    private int _accepted;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Why each refused request was refused.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>The distinct bearer tokens accepted, in order of first use.</summary>
    public ConcurrentQueue<string> TokensSeen { get; } = new();

    public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        var request = exchange.Context.Request;
        if (Refuse(request) is { } why)
        {
            Refusals.Enqueue(why);
            await exchange.AnswerErrorAsync(403, "AccessDenied", "Access Denied");
            return;
        }
        Interlocked.Increment(ref _accepted);
        request.Headers.Remove("Authorization");
        await next();
    }

    private string? Refuse(HttpRequest request)
    {
        if (request.Headers.ContainsKey("X-Amz-Date") || request.Query.ContainsKey("X-Amz-Signature") || request.Query.ContainsKey("X-Amz-Credential"))
            return "SigV4-signed";
        var auth = request.Headers.Authorization.ToString();
        if (auth.Length == 0)
            return "no Authorization";
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal))
            return $"not a bearer token ({auth.Split(' ')[0]})";
        var token = auth["Bearer ".Length..];
        if (!iam.IsValid(token))
            return "token expired or unknown";
        lock (TokensSeen)
            if (!TokensSeen.Contains(token))
                TokensSeen.Enqueue(token);
        return null;
    }
}
