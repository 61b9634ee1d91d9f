using System.Collections.Concurrent;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Testing;

/// <summary>
/// An in-memory store double for what moto cannot do: parts that land after an abort, failures on cue,
/// and (by subclassing <see cref="ListUploadsAsync"/>) listing bugs of other servers. Counts every call.
/// </summary>
public class ScriptedObjectStore : IObjectStore, IBucketDirectory, ILifecycleRules
{
    private readonly ConcurrentDictionary<(string Bucket, string Key, string UploadId), StoredUpload> _uploads = new();

    public int AbortCalls => _abortCalls;
    public int ListPartsCalls => _listPartsCalls;
    public int ListUploadsCalls => _listUploadsCalls;
    private int _abortCalls, _listPartsCalls, _listUploadsCalls;

    /// <summary>Parts per ListParts page (S3's default is 1,000).</summary>
    public int PartsPageSize { get; set; } = 1000;

    /// <summary>Uploads per ListMultipartUploads page (S3's default is 1,000).</summary>
    public int UploadsPageSize { get; set; } = 1000;

    /// <summary>Answer an abort of an unknown upload with 200, as MinIO does, instead of NoSuchUpload.</summary>
    public bool AbortUnknownAnswersOk { get; set; }

    /// <summary>Thrown by the next calls of the named operation while it returns non-null.</summary>
    public Func<string, StoreException?> FailWith { get; set; } = _ => null;

    public sealed class StoredUpload
    {
        public required int Parts { get; set; }
        public long PartSize { get; init; } = 16;
        public DateTimeOffset Initiated { get; init; } = DateTimeOffset.UnixEpoch;
        public bool Aborted { get; set; }

        /// <summary>When the newest part landed (ListParts' LastModified); null: when the upload began.</summary>
        public DateTimeOffset? NewestPart { get; set; }

        /// <summary>After each of the next N aborts, this many parts "land" again (in-flight part uploads).</summary>
        public int LateLandings { get; set; }
        public int PartsPerLanding { get; init; } = 1;

        /// <summary>What ListMultipartUploads names as Initiator and Owner; null: nothing, as a store that gives none.</summary>
        public UploadPrincipal? Initiator { get; set; }
        public UploadPrincipal? Owner { get; set; }
    }

    public StoredUpload Add(string bucket, string key, string uploadId, int parts = 1, int lateLandings = 0, DateTimeOffset? initiated = null)
    {
        var upload = new StoredUpload { Parts = parts, LateLandings = lateLandings, Initiated = initiated ?? DateTimeOffset.UnixEpoch };
        _uploads[(bucket, key, uploadId)] = upload;
        return upload;
    }

    public StoredUpload? Get(string bucket, string key, string uploadId) => _uploads.GetValueOrDefault((bucket, key, uploadId));

    public virtual Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _abortCalls);
        if (FailWith("AbortMultipartUpload") is { } ex)
            throw ex;
        if (!_uploads.TryGetValue((upload.Bucket, upload.Key, upload.UploadId), out var stored) || (stored.Aborted && stored.Parts == 0))
            return Task.FromResult(AbortUnknownAnswersOk ? StoreStatus.Ok : StoreStatus.NoSuchUpload);
        lock (stored)
        {
            stored.Aborted = true;
            stored.Parts = 0;
            if (stored.LateLandings > 0)
            {
                stored.LateLandings--;
                stored.Parts = stored.PartsPerLanding;
            }
        }
        return Task.FromResult(StoreStatus.Ok);
    }

    public virtual Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listPartsCalls);
        if (FailWith("ListParts") is { } ex)
            throw ex;
        if (!_uploads.TryGetValue((upload.Bucket, upload.Key, upload.UploadId), out var stored) || (stored.Aborted && stored.Parts == 0))
            return Task.FromResult<PartsPage?>(null);
        var start = partNumberMarker ?? 0;
        var count = Math.Max(0, Math.Min(PartsPageSize, stored.Parts - start));
        var truncated = start + count < stored.Parts;
        return Task.FromResult<PartsPage?>(
            new PartsPage(count, count * stored.PartSize, truncated, truncated ? start + count : null) { NewestPart = count > 0 ? stored.NewestPart ?? stored.Initiated : null }
        );
    }

    /// <summary>Every bucket that holds an upload, in name order (ListBuckets).</summary>
    /// <summary>Each bucket's lifecycle rules; a bucket not here has no configuration, one set to null refuses the read (AccessDenied).</summary>
    public ConcurrentDictionary<string, IReadOnlyList<LifecycleAbortRule>?> LifecycleRules { get; } = new(StringComparer.Ordinal);

    public StoreReaping? ReapsByItself { get; set; }

    public Task<LifecycleApplied> ApplyAbortRuleAsync(string bucket, int days, string prefix, bool write, CancellationToken cancellationToken) =>
        throw new NotSupportedException("a scripted store has no lifecycle configuration to merge");

    public Task<IReadOnlyList<LifecycleAbortRule>> ReadAbortRulesAsync(string bucket, CancellationToken cancellationToken)
    {
        if (FailWith("GetBucketLifecycleConfiguration") is { } ex)
            throw ex;
        if (!LifecycleRules.TryGetValue(bucket, out var rules))
            return Task.FromResult<IReadOnlyList<LifecycleAbortRule>>([]);
        return rules is null
            ? throw new StoreException("GetBucketLifecycleConfiguration", "AccessDenied: Access Denied", false, "AccessDenied")
            : Task.FromResult(rules);
    }

    public Task<IReadOnlyList<string>> ListBucketsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(_uploads.Keys.Select(k => k.Bucket).Distinct().Order(StringComparer.Ordinal).ToArray());

    public virtual Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listUploadsCalls);
        if (FailWith("ListMultipartUploads") is { } ex)
            throw ex;
        var all = Listable(listing.Bucket, listing.Prefix);
        var after = all.Where(u =>
                listing.KeyMarker is null
                || string.CompareOrdinal(u.Key, listing.KeyMarker) > 0
                || (listing.UploadIdMarker is not null && u.Key == listing.KeyMarker && string.CompareOrdinal(u.UploadId, listing.UploadIdMarker) > 0)
            )
            .ToList();
        var size = listing.MaxUploads is { } max ? Math.Min(max, UploadsPageSize) : UploadsPageSize;
        var page = after.Take(size).ToList();
        var truncated = after.Count > page.Count;
        return Task.FromResult(new UploadsPage(page, truncated, truncated ? page[^1].Key : null, truncated ? page[^1].UploadId : null));
    }

    /// <summary>The live uploads of a bucket in S3's order (key, then upload id, by UTF-8 bytes).</summary>
    protected List<ListedUpload> Listable(string bucket, string? prefix) =>
        _uploads
            .Where(kv => kv.Key.Bucket == bucket && !(kv.Value.Aborted && kv.Value.Parts == 0) && (prefix is null || kv.Key.Key.StartsWith(prefix, StringComparison.Ordinal)))
            .Select(kv => new ListedUpload(kv.Key.Key, kv.Key.UploadId, kv.Value.Initiated) { Initiator = kv.Value.Initiator, Owner = kv.Value.Owner })
            .OrderBy(u => u.Key, StringComparer.Ordinal)
            .ThenBy(u => u.UploadId, StringComparer.Ordinal)
            .ToList();
}
