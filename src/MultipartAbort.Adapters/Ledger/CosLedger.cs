namespace MultipartAbort.Adapters.Ledger;

/// <summary>One JSON object per request; needs s3:PutObject, GetObject, ListBucket and DeleteObject on the prefix.</summary>
/// <param name="origin">What delays count from; null for now.</param>
public sealed class CosLedger(IAmazonS3 s3, CosLocation location, TimeProvider time, DateTimeOffset? origin = null) : IRetryLedger
{
    public string Address => location.ToString();

    public CosLedger At(CosLocation other) => new(s3, other, time);

    public IMessageQueue CountingFrom(DateTimeOffset from) => new CosLedger(s3, location, time, from);

    public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken) =>
        WriteAsync(LedgerEntryName.Format(location.Prefix, TimeBounds.Add(origin ?? time.GetUtcNow(), delay), body), body, cancellationToken);

    public async Task PostponeAsync(LedgerEntry entry, string body, DateTimeOffset due, CancellationToken cancellationToken)
    {
        await WriteAsync(LedgerEntryName.Format(location.Prefix, due, body, entry.Runs + 1), body, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string name, string body, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = location.Bucket,
            Key = name,
            ContentBody = body,
            ContentType = "application/json",
        };
        await FailureKind.QueueCallAsync(Address, () => s3.PutObjectAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        // Key order is due order: the first entry not yet due ends the listing, the rest is later still.
        ListAsync(null, null, cancellationToken).Select(e => e.Entry).TakeWhile(e => e.Due <= now);

    // In due order; non-entries under the prefix are skipped.
    internal async IAsyncEnumerable<(LedgerEntry Entry, DateTimeOffset? Written)> ListAsync(
        string? after,
        int? pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var request = new ListObjectsV2Request { BucketName = location.Bucket, Prefix = location.Prefix, StartAfter = after, MaxKeys = pageSize };
        while (true)
        {
            var page = await FailureKind.QueueCallAsync(Address, () => s3.ListObjectsV2Async(request, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
                if (LedgerEntryName.TryParse(location.Prefix, o.Key, out var due, out var runs))
                    yield return (new LedgerEntry(o.Key, due, runs), o.LastModified is { } written ? new DateTimeOffset(written.ToUniversalTime()) : null);
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken) || page.NextContinuationToken == request.ContinuationToken)
                yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public async Task<byte[]?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(location.Bucket, entry.Name, cancellationToken).ConfigureAwait(false);
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
            return bytes.ToArray();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound || ex.ErrorCode == "NoSuchKey")
        {
            return null;
        }
        catch (Exception ex) when (FailureKind.QueueFailure(Address, ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken) =>
        FailureKind.QueueCallAsync(Address, () => s3.DeleteObjectAsync(location.Bucket, entry.Name, cancellationToken), cancellationToken);
}
