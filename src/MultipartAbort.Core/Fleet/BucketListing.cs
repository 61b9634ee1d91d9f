namespace MultipartAbort.Core.Fleet;

/// <summary>One bucket's guarded listing: it ends (never faults) at a stop, deadline or store error, saying why and where to resume.</summary>
internal sealed class BucketListing(PrefixListing lister, UploadListing start, Invocation invocation, Action? onPage = null)
{
    public const string StopDeadline = "deadline";
    public const string StopInterrupted = "interrupted";
    public const string StopListingFailed = "listing-failed";

    private readonly ListingCheckpoint _checkpoint = new(start);
    private long _pages, _listed;

    /// <summary>The store misreads prefixes, so the prefix was filtered here.</summary>
    public bool PrefixFilteredLocally { get; private set; }
    public long Pages => Interlocked.Read(ref _pages);
    public long Listed => Interlocked.Read(ref _listed);

    /// <summary>Resuming after the last upload handed out loses nothing.</summary>
    public (string Key, string UploadId)? LastListed { get; private set; }

    public string? StopReason { get; private set; }

    public StoreException? Error { get; private set; }

    public (string? KeyMarker, string? UploadIdMarker) ResumeAfter() => _checkpoint.ResumeAfter(LastListed);

    // Errors and the deadline end the stream rather than fault the loop, which would lose visits in flight.
    public async IAsyncEnumerable<ListedUpload> Uploads()
    {
        var ct = invocation.Work;
        await using var uploads = lister
            .ListAsync(
                start,
                ct,
                _ =>
                {
                    Interlocked.Increment(ref _pages);
                    onPage?.Invoke();
                },
                _checkpoint,
                () => PrefixFilteredLocally = true
            )
            .GetAsyncEnumerator(ct);
        while (true)
        {
            if (invocation.Stop.IsCancellationRequested)
            {
                StopReason = StopInterrupted;
                yield break;
            }
            if (invocation.StopTaking)
            {
                StopReason = StopDeadline;
                yield break;
            }
            bool more;
            try
            {
                more = await uploads.MoveNextAsync().ConfigureAwait(false);
            }
            catch (StoreException ex)
            {
                (Error, StopReason) = (ex, StopListingFailed);
                yield break;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The host's token with no deadline is the operator abandoning the run, not the clock.
                StopReason = invocation.Settle.IsCancellationRequested && invocation.Remaining is null ? StopInterrupted : StopDeadline;
                yield break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                (Error, StopReason) = (new StoreException("ListMultipartUploads", $"unexpected {ex.GetType().Name}: {ex.Message}", false, null, ex), StopListingFailed);
                yield break;
            }
            if (!more)
                yield break;
            Interlocked.Increment(ref _listed);
            LastListed = (uploads.Current.Key, uploads.Current.UploadId);
            yield return uploads.Current;
        }
    }
}
