using System.Runtime.CompilerServices;

namespace MultipartAbort.Core.Sweep;

/// <summary>PREFIX_LISTING: how a listing with a prefix asks the store.</summary>
public enum PrefixListingMode
{
    // Send the prefix until the store shows it reads it as an exact key (MinIO), then filter here.
    Auto,

    // S3, COS, RGW.
    Server,

    Local,
}

/// <summary>Every listing of one store; an empty answer for a prefix costs one check without it, as MinIO reads prefixes as exact keys.</summary>
internal sealed class PrefixListing(IObjectStore store, PrefixListingMode mode, StructuredLogger log)
{
    public const int CheckPageSize = 1000;

    private const int Unknown = 0, ReadsPrefixes = 1, MisreadsPrefixes = 2;
    private int _learned = mode switch
    {
        PrefixListingMode.Server => ReadsPrefixes,
        PrefixListingMode.Local => MisreadsPrefixes,
        _ => Unknown,
    };

    public bool FiltersLocally => Volatile.Read(ref _learned) == MisreadsPrefixes;

    // Letters only: Enum.TryParse would also take numbers and comma lists.
    internal static bool TryParseMode(string text, out PrefixListingMode parsed) => Enum.TryParse(text, ignoreCase: true, out parsed) && text.All(char.IsAsciiLetter);

    internal async IAsyncEnumerable<ListedUpload> ListAsync(
        UploadListing start,
        [EnumeratorCancellation] CancellationToken ct,
        Action<UploadsPage>? onPage = null,
        ListingCheckpoint? checkpoint = null,
        Action? filteredLocally = null
    )
    {
        var prefix = start.Prefix ?? "";
        if (prefix.Length == 0 || !FiltersLocally)
        {
            var any = false;
            await foreach (var upload in UploadLister.ListAsync(store, start, ct, onPage, checkpoint).ConfigureAwait(false))
            {
                // A longer key under the prefix: the store reads prefixes as prefixes.
                if (prefix.Length > 0 && Volatile.Read(ref _learned) == Unknown && upload.Key.Length > prefix.Length && upload.Key.StartsWith(prefix, StringComparison.Ordinal))
                    Interlocked.CompareExchange(ref _learned, ReadsPrefixes, Unknown);
                any = true;
                yield return upload;
            }
            // Another listing may have learned meanwhile: only a store known to read prefixes makes empty clean.
            var learned = Volatile.Read(ref _learned);
            if (prefix.Length == 0 || any || learned == ReadsPrefixes || (learned == Unknown && !await MisreadsAsync(start, prefix, ct).ConfigureAwait(false)))
                yield break;
        }
        filteredLocally?.Invoke();
        await foreach (var upload in UploadLister.ListAsync(store, Unprefixed(start, prefix), ct, onPage, checkpoint, u => u.Key.StartsWith(prefix, StringComparison.Ordinal)).ConfigureAwait(false))
            yield return upload;
    }

    // One page without the prefix from where the listing began: an upload under the prefix means the store misread it.
    private async Task<bool> MisreadsAsync(UploadListing start, string prefix, CancellationToken ct)
    {
        var page = await store.ListUploadsAsync(Unprefixed(start, prefix) with { MaxUploads = CheckPageSize }, ct).ConfigureAwait(false);
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

    private static UploadListing Unprefixed(UploadListing start, string prefix) =>
        start with { Prefix = null, KeyMarker = start.KeyMarker ?? Before(prefix), UploadIdMarker = start.KeyMarker is null ? null : start.UploadIdMarker };

    private static bool After(ListedUpload u, UploadListing start) =>
        start.KeyMarker is not { } marker
        || KeyOrder.Compare(u.Key, marker) > 0
        || (u.Key == marker && start.UploadIdMarker is { } id && u.UploadId != id);

    // The prefix without its last character: at or before every key under it in any byte order.
    internal static string? Before(string prefix)
    {
        var cut = prefix.Length - (prefix.Length >= 2 && char.IsSurrogatePair(prefix[^2], prefix[^1]) ? 2 : 1);
        return cut > 0 ? prefix[..cut] : null;
    }
}
