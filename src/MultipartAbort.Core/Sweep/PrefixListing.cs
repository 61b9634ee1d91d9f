using System.Runtime.CompilerServices;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Sweep;

/// <summary>PREFIX_LISTING: how a listing with a prefix asks the store.</summary>
public enum PrefixListingMode
{
    /// <summary>Send the prefix until the store shows it reads a prefix as an exact key (MinIO), then filter here.</summary>
    Auto,

    /// <summary>Always send the prefix (S3, COS, RGW): no check.</summary>
    Server,

    /// <summary>Never send the prefix: list from just before it and keep the keys under it.</summary>
    Local,
}

/// <summary>
/// Every listing of one store, with what this process learned about how the store reads a prefix. A store that reads
/// it as an exact key (MinIO, RustFS, storj) answers an empty listing for <c>tmp/</c>; taking that as clean would leave
/// the uploads forever, so an empty prefix listing costs one check without the prefix, and a store caught misreading
/// is listed without the prefix and filtered here for the rest of the process.
/// </summary>
public sealed class PrefixListing(IObjectStore store, PrefixListingMode mode, StructuredLogger log)
{
    /// <summary>Uploads the check reads in its one request.</summary>
    public const int CheckPageSize = 1000;

    private const int Unknown = 0, ReadsPrefixes = 1, MisreadsPrefixes = 2;
    private int _learned = mode switch
    {
        PrefixListingMode.Server => ReadsPrefixes,
        PrefixListingMode.Local => MisreadsPrefixes,
        _ => Unknown,
    };

    public IObjectStore Store => store;

    /// <summary>True once listings with a prefix are filtered on this side (PREFIX_LISTING=local, or learned).</summary>
    public bool FiltersLocally => Volatile.Read(ref _learned) == MisreadsPrefixes;

    internal static bool TryParseMode(string text, out PrefixListingMode parsed)
    {
        (var ok, parsed) = text.ToLowerInvariant() switch
        {
            "auto" => (true, PrefixListingMode.Auto),
            "server" => (true, PrefixListingMode.Server),
            "local" => (true, PrefixListingMode.Local),
            _ => (false, PrefixListingMode.Auto),
        };
        return ok;
    }

    /// <summary>
    /// The uploads under <paramref name="start"/>'s prefix (all, without one) in the store's order, through the one
    /// guarded loop (<see cref="UploadLister"/>). <paramref name="filteredLocally"/> runs when the prefix is filtered here.
    /// </summary>
    internal async IAsyncEnumerable<ListedUpload> ListAsync(
        UploadListing start,
        [EnumeratorCancellation] CancellationToken ct,
        Action<UploadsPage>? onPage = null,
        ListingCheckpoint? checkpoint = null,
        Action? filteredLocally = null
    )
    {
        if (start.Prefix is not { Length: > 0 } prefix)
        {
            await foreach (var upload in UploadLister.ListAsync(store, start, ct, onPage, checkpoint).ConfigureAwait(false))
                yield return upload;
            yield break;
        }
        if (!FiltersLocally)
        {
            var any = false;
            await foreach (var upload in UploadLister.ListAsync(store, start, ct, onPage, checkpoint).ConfigureAwait(false))
            {
                // A key longer than the prefix under it: the store reads prefixes as prefixes, no check is needed again.
                if (Volatile.Read(ref _learned) == Unknown && upload.Key.Length > prefix.Length && upload.Key.StartsWith(prefix, StringComparison.Ordinal))
                    Interlocked.CompareExchange(ref _learned, ReadsPrefixes, Unknown);
                any = true;
                yield return upload;
            }
            // Another listing may have learned while this one was out: only a store known to read prefixes makes empty clean.
            var learned = Volatile.Read(ref _learned);
            if (any || learned == ReadsPrefixes || (learned == Unknown && !await MisreadsAsync(start, prefix, ct).ConfigureAwait(false)))
                yield break;
        }
        filteredLocally?.Invoke();
        var local = start with { Prefix = null, KeyMarker = start.KeyMarker ?? Before(prefix), UploadIdMarker = start.KeyMarker is null ? null : start.UploadIdMarker };
        await foreach (var upload in UploadLister.ListAsync(store, local, ct, onPage, checkpoint, u => u.Key.StartsWith(prefix, StringComparison.Ordinal)).ConfigureAwait(false))
            yield return upload;
    }

    /// <summary>
    /// The one check after an empty prefix listing: one page without the prefix from where the listing began. An upload
    /// under the prefix there means the store misread it; nothing there means the empty answer was right.
    /// </summary>
    private async Task<bool> MisreadsAsync(UploadListing start, string prefix, CancellationToken ct)
    {
        var check = start with
        {
            Prefix = null,
            KeyMarker = start.KeyMarker ?? Before(prefix),
            UploadIdMarker = start.KeyMarker is null ? null : start.UploadIdMarker,
            MaxUploads = CheckPageSize,
        };
        var page = await store.ListUploadsAsync(check, ct).ConfigureAwait(false);
        // A store that ignores markers (moto) answers from the bucket's start: only what lies after the markers counts.
        var missed = page.Uploads.FirstOrDefault(u => u.Key.StartsWith(prefix, StringComparison.Ordinal) && After(u, start));
        if (missed is null)
            return false;
        if (Interlocked.CompareExchange(ref _learned, MisreadsPrefixes, Unknown) == Unknown)
            log.Log(
                LogLevel.Warning,
                $"bucket {start.Bucket}: ListMultipartUploads with prefix '{prefix}' found nothing, but '{missed.Key}' is under it: this store reads a prefix as an exact key "
                    + "(as MinIO does), so from now on this process lists without the prefix and filters on this side (prefixFilteredLocally; PREFIX_LISTING=local skips the check)"
            );
        return true;
    }

    private static bool After(ListedUpload u, UploadListing start) =>
        start.KeyMarker is not { } marker
        || KeyOrder.Compare(u.Key, marker) > 0
        || (u.Key == marker && start.UploadIdMarker is { } id && u.UploadId != id);

    /// <summary>A key-marker at or before every key under <paramref name="prefix"/> in any byte order: the prefix without its last character.</summary>
    internal static string? Before(string prefix)
    {
        var cut = prefix.Length - (prefix.Length >= 2 && char.IsSurrogatePair(prefix[^2], prefix[^1]) ? 2 : 1);
        return cut > 0 ? prefix[..cut] : null;
    }
}
