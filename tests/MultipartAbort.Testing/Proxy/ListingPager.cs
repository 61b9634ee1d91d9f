using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// Serves ListMultipartUploads in pages as S3 does. moto answers it in one unsorted page and ignores max-uploads
/// and the markers; this behaviour cuts moto's answer into sorted pages (honouring prefix, key-marker,
/// upload-id-marker, max-uploads), so the real SDK parses real pages. It can also play the listing bugs of other
/// S3-compatible servers, and serve a listing that aborts made during it cannot change.
/// </summary>
public sealed class ListingPager : ProxyBehaviour
{
    private static readonly XNamespace S3 = S3Exchange.S3;
    private readonly ConcurrentDictionary<string, Task<Listing>> _kept = new();
    private readonly ConcurrentDictionary<(string Bucket, string UploadId), byte> _abortedHere = new();
    private int _pages;

    /// <summary>Uploads per page at most (S3's is 1,000); max-uploads can only lower it.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Overrides the Initiated time of listed uploads (moto reports 2010-11-10 for all).</summary>
    public Func<string, DateTimeOffset?> InitiatedFor { get; set; } = _ => null;

    /// <summary>
    /// Pages are cut from the listing the bucket (and prefix) had at its first ListMultipartUploads through this
    /// proxy: uploads aborted since still show, as on a server whose listing lags behind its aborts. A sweep then
    /// sees the same pages however its aborts and its listing interleave.
    /// </summary>
    public bool FreezesListing { get; set; }

    /// <summary>
    /// Pages are cut from the listing the bucket (and prefix) had at its first ListMultipartUploads through this
    /// proxy, less the uploads aborted through it since: the same pages as a live listing when nothing else writes
    /// the bucket while it is swept, for one listing by the store instead of one a page (moto takes seconds to list
    /// thousands of uploads, and lists them all for every page). Seed before the first listing.
    /// </summary>
    public bool TracksAborts { get; set; }

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

    /// <summary>The query strings of the listing requests, in the order received.</summary>
    public ConcurrentQueue<string> ListQueries { get; } = new();

    public int ListPagesServed => Volatile.Read(ref _pages);

    public override Task HandleAsync(S3Exchange exchange, Func<Task> next) =>
        exchange.IsListUploads ? ListUploadsAsync(exchange)
        : exchange.IsAbort && TracksAborts ? AbortAsync(exchange, next)
        : next();

    private Task AbortAsync(S3Exchange exchange, Func<Task> next)
    {
        // Noted before the answer leaves, so a listing the client sends after it never shows the upload. 204: aborted
        // now; 404: gone before. Either way the store no longer lists it.
        exchange.Context.Response.OnStarting(() =>
        {
            if (exchange.Context.Response.StatusCode is 204 or 404)
                _abortedHere.TryAdd((exchange.Bucket, exchange.UploadId!), 0);
            return Task.CompletedTask;
        });
        return next();
    }

    private async Task ListUploadsAsync(S3Exchange exchange)
    {
        var q = exchange.Query;
        ListQueries.Enqueue(exchange.Context.Request.QueryString.Value ?? "");
        var prefix = q["prefix"].FirstOrDefault();
        var keyMarker = q["key-marker"].FirstOrDefault() is { Length: > 0 } km ? km : null;
        var idMarker = q["upload-id-marker"].FirstOrDefault() is { Length: > 0 } im ? im : null;
        var max = int.TryParse(q["max-uploads"].FirstOrDefault(), CultureInfo.InvariantCulture, out var m) ? Math.Min(m, PageSize) : PageSize;

        var upstream = $"/{exchange.Bucket}?uploads" + (prefix is null ? "" : "&prefix=" + Uri.EscapeDataString(prefix));
        Listing listing;
        if (FreezesListing || TracksAborts)
        {
            // The first listing is kept; one that failed (an error answer, or its client went away) is not.
            var kept = _kept.GetOrAdd(upstream, path => FetchAsync(exchange, path));
            try
            {
                listing = await kept;
            }
            finally
            {
                if (!kept.IsCompletedSuccessfully || kept.Result.Error is not null)
                    _kept.TryRemove(KeyValuePair.Create(upstream, kept));
            }
        }
        else
            listing = await FetchAsync(exchange, upstream);
        if (listing.Error is { } error)
        {
            await exchange.AnswerTextAsync(error.Status, error.Text);
            return;
        }
        var all = FreezesListing ? listing.Uploads : listing.Uploads.Where(u => !_abortedHere.ContainsKey((exchange.Bucket, u.Id))).ToList();

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
        var served = Interlocked.Increment(ref _pages) - 1;
        var sayTruncated = AlwaysTruncated || (truncated && !NotTruncatedOnPages.Contains(served));

        var result = new XElement(S3 + "ListMultipartUploadsResult",
            new XElement(S3 + "Bucket", listing.Bucket),
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
            if (InitiatedFor(u.Key) is { } initiated)
                e.Element(S3 + "Initiated")!.Value = initiated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            result.Add(e);
        }
        await exchange.AnswerXmlAsync(result);
    }

    /// <summary>The store's whole listing of a bucket (and prefix), in S3's order; or the store's error answer.</summary>
    private static async Task<Listing> FetchAsync(S3Exchange exchange, string pathAndQuery)
    {
        using var response = await exchange.GetUpstreamAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync(exchange.Aborted);
        if (!response.IsSuccessStatusCode)
            return new Listing(null, [], ((int)response.StatusCode, text));
        var root = XDocument.Parse(text).Root!;
        // S3's order: by key (UTF-8 bytes), then by initiation, which is moto's creation order (a stable sort keeps it).
        var uploads = root.Elements(S3 + "Upload")
            .Select((e, i) => new ListedUpload(e.Element(S3 + "Key")!.Value, e.Element(S3 + "UploadId")!.Value, e, i))
            .OrderBy(u => u.Key, Comparer<string>.Create(KeyOrder.Compare))
            .ThenBy(u => u.Index)
            .ToList();
        return new Listing(root.Element(S3 + "Bucket")?.Value, uploads, null);
    }

    private sealed record ListedUpload(string Key, string Id, XElement Element, int Index);

    private sealed record Listing(string? Bucket, List<ListedUpload> Uploads, (int Status, string Text)? Error);
}
