using System.Collections.Concurrent;
using System.Xml.Linq;

namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// Counts ListMultipartUploads requests and, when <see cref="ReadsPrefixAsKey"/>, answers a listing with a prefix as
/// MinIO does (minio#20989): only the uploads whose key equals the prefix. The request goes on signed as sent, with
/// its prefix, and the answer is cut down to that key, so it works in front of a store that checks signatures (RGW).
/// </summary>
public sealed class ExactKeyPrefixes : ProxyBehaviour
{
    private static readonly XNamespace S3 = S3Exchange.S3;

    /// <summary>False: the store's answers pass unchanged (a plain store, counted).</summary>
    public bool ReadsPrefixAsKey { get; init; } = true;

    /// <summary>The query strings of the listing requests, in the order received.</summary>
    public ConcurrentQueue<string> ListQueries { get; } = new();

    public int WithPrefix => ListQueries.Count(q => q.Contains("prefix=", StringComparison.Ordinal));

    public int WithoutPrefix => ListQueries.Count(q => !q.Contains("prefix=", StringComparison.Ordinal));

    public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        if (!exchange.IsListUploads)
        {
            await next();
            return;
        }
        ListQueries.Enqueue(exchange.Context.Request.QueryString.Value ?? "");
        var prefix = exchange.Query["prefix"].FirstOrDefault();
        if (!ReadsPrefixAsKey || string.IsNullOrEmpty(prefix))
        {
            await next();
            return;
        }
        using var response = await exchange.SendUpstreamAsync();
        var text = await response.Content.ReadAsStringAsync(exchange.Aborted);
        if (!response.IsSuccessStatusCode)
        {
            await exchange.AnswerTextAsync((int)response.StatusCode, text);
            return;
        }
        var root = XDocument.Parse(text).Root!;
        root.Elements(S3 + "Upload").Where(u => u.Element(S3 + "Key")?.Value != prefix).Remove();
        // One key's uploads fit a page here: the answer ends.
        root.Element(S3 + "IsTruncated")?.SetValue("false");
        root.Elements(S3 + "NextKeyMarker").Remove();
        root.Elements(S3 + "NextUploadIdMarker").Remove();
        await exchange.AnswerXmlAsync(root);
    }
}
