using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Xml.Linq;

namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// Part uploads that were in flight when an upload was aborted and land after it: once an AbortMultipartUpload of
/// a chosen upload has gone through to the store, parts "land" again after each of the next
/// <see cref="Landings"/> aborts. moto cannot bring an aborted upload back, so this behaviour plays the upload
/// from then on: ListParts answers with the landed parts, and a further abort answers 204 (as the store would
/// while parts keep landing) until no landing is left and the last parts are aborted; then moto's own
/// NoSuchUpload answers again. The listing of uploads is moto's, so it does not show uploads kept alive here.
/// </summary>
public sealed class LatePartsAfterAbort(int landings, int partsPerLanding = 1, Func<S3Exchange, bool>? forUpload = null) : ProxyBehaviour
{
    private readonly ConcurrentDictionary<string, KeptUpload> _uploads = new();
    private int _landed;

    /// <summary>How many aborts of each upload are followed by landed parts.</summary>
    public int Landings => landings;

    public int PartsPerLanding => partsPerLanding;

    /// <summary>The size each landed part reports.</summary>
    public long PartSize { get; init; } = 16;

    /// <summary>How many times parts landed, over all uploads.</summary>
    public int Landed => Volatile.Read(ref _landed);

    private sealed class KeptUpload(int landings)
    {
        public int LandingsLeft = landings;
        public int Parts;
    }

    public override Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        if (exchange.UploadId is not { } id || (forUpload is not null && !forUpload(exchange)))
            return next();
        if (exchange.IsAbort)
            return AbortAsync(exchange, id);
        if (exchange.IsListParts && _uploads.TryGetValue(id, out var upload) && Volatile.Read(ref upload.Parts) > 0)
            return ListPartsAsync(exchange, upload);
        return next();
    }

    private async Task AbortAsync(S3Exchange exchange, string id)
    {
        using var response = await exchange.SendUpstreamAsync();
        if (!_uploads.TryGetValue(id, out var upload))
        {
            // Only an abort the store accepted makes parts land: one it refused, or of an unknown upload, stays as it was.
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                await exchange.CopyToClientAsync(response);
                return;
            }
            upload = _uploads.GetOrAdd(id, _ => new KeptUpload(landings));
        }
        else if (Volatile.Read(ref upload.Parts) == 0)
        {
            await exchange.CopyToClientAsync(response); // gone for good: moto's NoSuchUpload
            return;
        }
        lock (upload)
        {
            upload.Parts = 0;
            if (upload.LandingsLeft > 0)
            {
                upload.LandingsLeft--;
                upload.Parts = partsPerLanding;
                Interlocked.Increment(ref _landed);
            }
        }
        exchange.AnswerNoContent();
    }

    private Task ListPartsAsync(S3Exchange exchange, KeptUpload upload)
    {
        var q = exchange.Query;
        var parts = Volatile.Read(ref upload.Parts);
        var marker = int.TryParse(q["part-number-marker"].FirstOrDefault(), CultureInfo.InvariantCulture, out var pm) ? pm : 0;
        var max = int.TryParse(q["max-parts"].FirstOrDefault(), CultureInfo.InvariantCulture, out var mp) ? mp : 1000;
        var numbers = Enumerable.Range(1, parts).Where(n => n > marker).Take(max).ToList();
        var truncated = numbers.Count > 0 && numbers[^1] < parts;
        var s3 = S3Exchange.S3;
        var result = new XElement(s3 + "ListPartsResult",
            new XElement(s3 + "Bucket", exchange.Bucket),
            new XElement(s3 + "Key", exchange.Key),
            new XElement(s3 + "UploadId", exchange.UploadId),
            new XElement(s3 + "PartNumberMarker", marker),
            new XElement(s3 + "NextPartNumberMarker", numbers.Count > 0 ? numbers[^1] : marker),
            new XElement(s3 + "MaxParts", max),
            new XElement(s3 + "IsTruncated", truncated ? "true" : "false"),
            new XElement(s3 + "StorageClass", "STANDARD"));
        foreach (var n in numbers)
            result.Add(new XElement(s3 + "Part",
                new XElement(s3 + "PartNumber", n),
                new XElement(s3 + "LastModified", "2026-01-01T00:00:00.000Z"),
                new XElement(s3 + "ETag", $"\"{n:x32}\""),
                new XElement(s3 + "Size", PartSize)));
        return exchange.AnswerXmlAsync(result);
    }
}
