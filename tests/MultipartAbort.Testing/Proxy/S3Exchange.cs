using System.Security;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// One path-style S3 request passing through a <see cref="LoopbackS3Proxy"/>: what it asks for, and the ways a
/// behaviour can answer it (forward it to the store, answer XML or an error, or reset the connection).
/// </summary>
public sealed class S3Exchange
{
    public static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Expect" };
    private readonly HttpClient _upstream;
    private readonly Uri _store;
    private byte[]? _body;

    internal S3Exchange(HttpContext context, HttpClient upstream, Uri store)
    {
        Context = context;
        _upstream = upstream;
        _store = store;
        var parts = (context.Request.Path.Value ?? "/").TrimStart('/').Split('/', 2);
        Bucket = parts[0];
        Key = parts.Length > 1 ? parts[1] : ""; // Kestrel has already decoded the path
    }

    public HttpContext Context { get; }
    public string Method => Context.Request.Method;
    public IQueryCollection Query => Context.Request.Query;
    public string Bucket { get; }
    public string Key { get; }
    public string? UploadId => Query["uploadId"].FirstOrDefault();
    public CancellationToken Aborted => Context.RequestAborted;

    public bool IsListUploads => Method == "GET" && Query.ContainsKey("uploads") && Key.Length == 0;
    public bool IsAbort => Method == "DELETE" && UploadId is not null;
    public bool IsListParts => Method == "GET" && UploadId is not null;

    /// <summary>The S3 operation this request is, by the name IAM policies and the SDK use (the method for others).</summary>
    public string Operation =>
        (Method, Bucket.Length == 0, Key.Length == 0) switch
        {
            ("GET", true, _) => "ListBuckets",
            _ when IsListUploads => "ListMultipartUploads",
            _ when IsAbort => "AbortMultipartUpload",
            _ when IsListParts => "ListParts",
            ("POST", false, false) when Query.ContainsKey("uploads") => "CreateMultipartUpload",
            ("POST", false, false) when UploadId is not null => "CompleteMultipartUpload",
            ("PUT", false, false) when UploadId is not null && Query.ContainsKey("partNumber") => "UploadPart",
            ("GET", false, true) when Query.ContainsKey("lifecycle") => "GetBucketLifecycleConfiguration",
            ("PUT", false, true) when Query.ContainsKey("lifecycle") => "PutBucketLifecycleConfiguration",
            _ => Method,
        };

    /// <summary>The request's body, read once (bodies here are small: parts of tests and benchmarks).</summary>
    public async Task<byte[]> BodyAsync()
    {
        if (_body is null)
        {
            using var buffer = new MemoryStream();
            await Context.Request.Body.CopyToAsync(buffer, Aborted);
            _body = buffer.ToArray();
        }
        return _body;
    }

    /// <summary>Sends this request to the store as the client sent it; the caller owns the answer.</summary>
    public async Task<HttpResponseMessage> SendUpstreamAsync()
    {
        // The target exactly as the client wrote it: keys with characters that need escaping stay as they were signed.
        var target = Context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? Context.Request.Path + Context.Request.QueryString;
        using var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(_store, target));
        request.Content = new ByteArrayContent(await BodyAsync());
        // The Host the client signed: a store that checks signatures (Ceph RGW) refuses a request whose Host changed.
        request.Headers.Host = Context.Request.Host.Value;
        foreach (var (name, values) in Context.Request.Headers)
        {
            if (HopByHop.Contains(name))
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        return await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Aborted);
    }

    /// <summary>A GET of the store that the proxy makes on its own behalf (e.g. the whole upload listing).</summary>
    public Task<HttpResponseMessage> GetUpstreamAsync(string pathAndQuery) => _upstream.GetAsync(new Uri(_store, pathAndQuery), Aborted);

    public async Task CopyToClientAsync(HttpResponseMessage response)
    {
        Context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!HopByHop.Contains(name))
                Context.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(Context.Response.Body, Aborted);
    }

    /// <summary>Passes the request to the store and its answer back to the client.</summary>
    public async Task ForwardAsync()
    {
        using var response = await SendUpstreamAsync();
        await CopyToClientAsync(response);
    }

    public async Task AnswerXmlAsync(XElement root, int status = 200)
    {
        Context.Response.StatusCode = status;
        Context.Response.ContentType = "application/xml";
        await Context.Response.WriteAsync(new XDocument(new XDeclaration("1.0", "UTF-8", null), root).ToString(), Aborted);
    }

    public async Task AnswerTextAsync(int status, string xml)
    {
        Context.Response.StatusCode = status;
        Context.Response.ContentType = "application/xml";
        await Context.Response.WriteAsync(xml, Aborted);
    }

    public async Task AnswerErrorAsync(int status, string code, string message)
    {
        Context.Response.StatusCode = status;
        Context.Response.ContentType = "application/xml";
        await Context.Response.WriteAsync(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error>",
            Aborted
        );
    }

    /// <summary>Answers as a store having a bad moment does (or drops the connection), before the store sees the request.</summary>
    public Task AnswerFaultAsync(InjectedFault fault)
    {
        switch (fault)
        {
            case InjectedFault.ConnectionReset:
                ResetConnection();
                return Task.CompletedTask;
            case InjectedFault.SlowDown:
                return AnswerErrorAsync(503, "SlowDown", "Please reduce your request rate. (injected by the test proxy)");
            case InjectedFault.AccessDenied:
                return AnswerErrorAsync(403, "AccessDenied", "Access Denied (injected by the test proxy)");
            case InjectedFault.InternalError:
                return AnswerErrorAsync(500, "InternalError", "We encountered an internal error. (injected by the test proxy)");
            default:
                return AnswerErrorAsync(503, "ServiceUnavailable", "injected by the test proxy");
        }
    }

    public void AnswerNoContent() => Context.Response.StatusCode = 204;

    /// <summary>Drops the connection without an answer: the client sees a reset.</summary>
    public void ResetConnection() => Context.Abort();
}
