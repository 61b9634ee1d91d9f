using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MultipartAbort.Core.Workflow;

namespace MultipartAbort.Sweep.Tests;

/// <summary>
/// A loopback HTTP proxy in front of moto. moto answers ListMultipartUploads in one unsorted page and ignores
/// max-uploads and the markers; this proxy cuts its answer into sorted pages as S3 does (honouring prefix,
/// key-marker, upload-id-marker, max-uploads), so the real SDK parses real pages. It can also play the
/// listing bugs of other S3-compatible servers, add latency, and it counts what the client sent.
/// </summary>
public sealed class PagingProxy : IAsyncDisposable
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";
    private readonly WebApplication _app;
    private readonly HttpClient _moto;
    private readonly Uri _upstream;
    private int _listPages;

    public PagingProxy(Uri moto)
    {
        _upstream = moto;
        _moto = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 256 });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        Endpoint = new Uri(_app.Urls.First());
    }

    public Uri Endpoint { get; }

    /// <summary>Uploads per page at most (S3's is 1,000); max-uploads can only lower it.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Added before each request is forwarded.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Overrides the Initiated time of listed uploads (moto reports 2010-11-10 for all).</summary>
    public Func<string, DateTimeOffset?> InitiatedFor { get; set; } = _ => null;

    // Listing bugs of S3-compatible servers.
    /// <summary>The marker upload (or all of the marker key) is included again at the start of the next page.</summary>
    public bool RepeatsMarker { get; set; }

    /// <summary>upload-id-marker is ignored: resuming lists keys after key-marker only.</summary>
    public bool IgnoresUploadIdMarker { get; set; }

    /// <summary>NextUploadIdMarker is left out of truncated pages.</summary>
    public bool OmitsNextUploadIdMarker { get; set; }

    /// <summary>The pages with these indexes (0-based, in the order served) say IsTruncated=false although more follow.</summary>
    public HashSet<int> NotTruncatedOnPages { get; } = [];

    /// <summary>Every page says IsTruncated=true, the last one too (and the empty ones after it).</summary>
    public bool AlwaysTruncated { get; set; }

    // What the client sent.
    public ConcurrentDictionary<string, int> AbortsByUploadId { get; } = new();
    public ConcurrentQueue<string> ListQueries { get; } = new();
    public int ListPagesServed => _listPages;

    private async Task HandleAsync(HttpContext ctx)
    {
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay);
        var query = ctx.Request.Query;
        if (ctx.Request.Method == "GET" && query.ContainsKey("uploads"))
        {
            await ListUploadsAsync(ctx);
            return;
        }
        if (ctx.Request.Method == "DELETE" && query["uploadId"] is { Count: 1 } id)
            AbortsByUploadId.AddOrUpdate(id[0]!, 1, (_, n) => n + 1);
        await ForwardAsync(ctx);
    }

    private async Task ForwardAsync(HttpContext ctx)
    {
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), new Uri(_upstream, ctx.Request.Path + ctx.Request.QueryString));
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
            request.Content = new StreamContent(ctx.Request.Body);
        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (name is "Host" or "Connection" or "Transfer-Encoding" or "Expect")
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        using var response = await _moto.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted);
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (name is not ("Transfer-Encoding" or "Connection"))
                ctx.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
    }

    private async Task ListUploadsAsync(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        ListQueries.Enqueue(ctx.Request.QueryString.Value ?? "");
        var prefix = q["prefix"].FirstOrDefault();
        var keyMarker = q["key-marker"].FirstOrDefault() is { Length: > 0 } km ? km : null;
        var idMarker = q["upload-id-marker"].FirstOrDefault() is { Length: > 0 } im ? im : null;
        var max = int.TryParse(q["max-uploads"].FirstOrDefault(), CultureInfo.InvariantCulture, out var m) ? Math.Min(m, PageSize) : PageSize;

        var upstream = $"{ctx.Request.Path}?uploads" + (prefix is null ? "" : "&prefix=" + Uri.EscapeDataString(prefix));
        using var response = await _moto.GetAsync(new Uri(_upstream, upstream), ctx.RequestAborted);
        var text = await response.Content.ReadAsStringAsync(ctx.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            ctx.Response.StatusCode = (int)response.StatusCode;
            await ctx.Response.WriteAsync(text);
            return;
        }
        var doc = XDocument.Parse(text);
        var root = doc.Root!;
        // S3's order: by key (UTF-8 bytes), then by initiation, which is moto's creation order (a stable sort keeps it).
        var all = root.Elements(S3 + "Upload").Select((e, i) => (Key: e.Element(S3 + "Key")!.Value, Id: e.Element(S3 + "UploadId")!.Value, Element: e, Index: i))
            .OrderBy(u => u.Key, Comparer<string>.Create(KeyOrder.Compare)).ThenBy(u => u.Index).ToList();

        var after = all;
        if (keyMarker is not null)
        {
            var useId = idMarker is not null && !IgnoresUploadIdMarker;
            var at = useId ? all.FindIndex(u => u.Key == keyMarker && u.Id == idMarker) : -1;
            // Keys after key-marker; of key-marker itself, the uploads after upload-id-marker: by position when
            // that upload exists, else (as S3 documents it) those whose id sorts after it.
            after = all.Where((u, i) =>
                    KeyOrder.Compare(u.Key, keyMarker) > 0
                    || (useId && u.Key == keyMarker && (at >= 0 ? i > at : string.CompareOrdinal(u.Id, idMarker) > 0))
                    || (RepeatsMarker && u.Key == keyMarker && (!useId || i == at)))
                .ToList();
        }
        var page = after.Take(max).ToList();
        var truncated = page.Count < after.Count;
        var served = Interlocked.Increment(ref _listPages) - 1;
        var sayTruncated = AlwaysTruncated || (truncated && !NotTruncatedOnPages.Contains(served));

        var result = new XElement(S3 + "ListMultipartUploadsResult",
            new XElement(S3 + "Bucket", root.Element(S3 + "Bucket")?.Value),
            new XElement(S3 + "KeyMarker", keyMarker ?? ""),
            new XElement(S3 + "UploadIdMarker", idMarker ?? ""),
            new XElement(S3 + "MaxUploads", max),
            new XElement(S3 + "IsTruncated", sayTruncated ? "true" : "false"));
        if (prefix is not null)
            result.Add(new XElement(S3 + "Prefix", prefix));
        if (sayTruncated && page.Count > 0)
        {
            result.Add(new XElement(S3 + "NextKeyMarker", page[^1].Key));
            if (!OmitsNextUploadIdMarker)
                result.Add(new XElement(S3 + "NextUploadIdMarker", page[^1].Id));
        }
        foreach (var u in page)
        {
            var e = new XElement(u.Element);
            if (InitiatedFor(u.Key) is { } at)
                e.Element(S3 + "Initiated")!.Value = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            result.Add(e);
        }
        ctx.Response.StatusCode = (int)HttpStatusCode.OK;
        ctx.Response.ContentType = "application/xml";
        await ctx.Response.WriteAsync(new XDocument(new XDeclaration("1.0", "UTF-8", null), result).ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _moto.Dispose();
    }
}
