using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Adapters.Ledger;

/// <summary>
/// The retry (or dead-letter) queue as objects under <c>cos://bucket/prefix/</c>, one small JSON object per pending
/// request (its body, as an SQS message would carry it), named by <see cref="LedgerEntryName"/>. Needs s3:PutObject,
/// s3:GetObject, s3:ListBucket and s3:DeleteObject on the prefix (Writer, or Object Writer plus Reader, on COS).
/// </summary>
public sealed class CosLedger(IAmazonS3 s3, CosLocation location, TimeProvider time) : IRetryLedger
{
    // Shared by the retry and the dead-letter ledger: whatever one entry's run writes is named after that entry.
    private static readonly AsyncLocal<LedgerEntry?> Following = new();

    public string Address => location.ToString();

    public async Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        // Inside a drain, time counts from the entry's due time, not from now, so a repeat names the same object.
        var from = Following.Value?.Due ?? time.GetUtcNow();
        var request = new PutObjectRequest
        {
            BucketName = location.Bucket,
            Key = LedgerEntryName.Format(location.Prefix, from + delay, body),
            ContentBody = body,
            ContentType = "application/json",
        };
        await CallAsync(() => s3.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = location.Bucket, Prefix = location.Prefix };
        while (true)
        {
            var page = await CallAsync(() => s3.ListObjectsV2Async(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                if (!LedgerEntryName.TryParseDue(location.Prefix, o.Key, out var due))
                    continue;
                if (due > now)
                    yield break; // key order is due order: the rest is later still
                yield return new LedgerEntry(o.Key, due);
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken) || page.NextContinuationToken == request.ContinuationToken)
                yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task<string?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(location.Bucket, entry.Name, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.ErrorCode == "NoSuchKey")
        {
            return null;
        }
        catch (Exception ex) when (Translate(ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken) =>
        CallAsync(() => s3.DeleteObjectAsync(location.Bucket, entry.Name, cancellationToken), cancellationToken);

    public IDisposable Follow(LedgerEntry entry)
    {
        var previous = Following.Value;
        Following.Value = entry;
        return new Scope(previous);
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private QueueException? Translate(Exception ex, CancellationToken cancellationToken) => QueueFailure.Translate(Address, ex, cancellationToken);

    private sealed class Scope(LedgerEntry? previous) : IDisposable
    {
        public void Dispose() => Following.Value = previous;
    }
}
