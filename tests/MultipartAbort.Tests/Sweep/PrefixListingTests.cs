using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Sweep;

/// <summary>Several listings of one prefix at once (shards, a fleet) on a store that reads a prefix as an exact key.</summary>
public sealed class PrefixListingTests
{
    /// <summary>Answers a prefix as MinIO does (only the upload whose key is the prefix); its first listing waits for a gate.</summary>
    private sealed class ExactKeyStore : ScriptedObjectStore
    {
        private int _calls;
        public TaskCompletionSource FirstMayAnswer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
                await FirstMayAnswer.Task.WaitAsync(cancellationToken);
            var page = await base.ListUploadsAsync(listing, cancellationToken);
            return listing.Prefix is { } prefix ? page with { Uploads = [.. page.Uploads.Where(u => u.Key == prefix)] } : page;
        }
    }

    [Fact]
    public async Task AListingWhoseEmptyAnswerCameBackAfterAnotherLearnedTheStoreMisreads_StillListsLocally()
    {
        var store = new ExactKeyStore();
        store.Add("bkt", "tmp/a", "u1");
        store.Add("bkt", "tmp/b", "u2");
        store.Add("bkt", "z", "u3");
        var listing = new PrefixListing(store, PrefixListingMode.Auto, new StructuredLogger(TextWriter.Null, "t", LogLevel.None));
        var start = new UploadListing("bkt") { Prefix = "tmp/" };

        // The first listing's server answer is held back while a second one learns that the store misreads prefixes.
        var first = listing.ListAsync(start, CancellationToken.None).ToListAsync().AsTask();
        var second = await listing.ListAsync(start, CancellationToken.None).ToListAsync();
        store.FirstMayAnswer.SetResult();

        second.Select(u => u.Key).Should().Equal("tmp/a", "tmp/b");
        (await first).Select(u => u.Key).Should().Equal(["tmp/a", "tmp/b"], "an empty answer is never taken for clean once the store is known to misread prefixes");
    }
}
