using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Fleet;

/// <summary>FleetScan.PrintAsync, the scan of <c>mpa list</c>: store order bucket after bucket, the age filter, one error rule.</summary>
public sealed class PrintTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    // ListMultipartUploads refused on one bucket.
    private sealed class OneBucketFails(string bucket) : ScriptedObjectStore
    {
        public override Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken) =>
            listing.Bucket == bucket ? throw new StoreException("ListMultipartUploads", "AccessDenied: Access Denied", false, "AccessDenied") : base.ListUploadsAsync(listing, cancellationToken);
    }

    private static FleetScan Scan(ScriptedObjectStore store, AccessPolicy? access = null) =>
        new(new PrefixListing(store, PrefixListingMode.Auto, new StructuredLogger(TextWriter.Null, "t", LogLevel.None)), new BucketSelector(store, access ?? AccessPolicy.AllowAll), StoreCallLimiter.For(4));

    private static async Task<(UploadList List, List<string> Printed)> Print(FleetScan scan, string[] names, bool all = false, TimeSpan? olderThan = null)
    {
        var printed = new List<string>();
        using var invocation = new Invocation(new FakeTimeProvider(Now), TimeSpan.FromSeconds(5), null, new QueuePair(null, null), CancellationToken.None) { Asker = Asker.Operator };
        var list = await scan.PrintAsync(names, all, null, olderThan, Now, (bucket, u) => printed.Add($"{bucket}/{u.Key}"), () => { }, invocation);
        return (list, printed);
    }

    [Fact]
    public async Task AFleet_IsPrintedBucketAfterBucketInStoreOrder_OnlyOlderUploadsShown_ButAllCounted()
    {
        var store = new ScriptedObjectStore();
        store.Add("b", "old", "u", initiated: Now.AddDays(-2));
        store.Add("a", "young", "u", initiated: Now.AddMinutes(-5));
        store.Add("a", "old", "u", initiated: Now.AddDays(-2));

        var (list, printed) = await Print(Scan(store), [], all: true, olderThan: TimeSpan.FromHours(1));

        printed.Should().Equal("a/old", "b/old");
        (list.Listed, list.Shown).Should().Be((3, 2));
        list.Failed.Should().BeEmpty();
        list.Error.Should().BeNull();
    }

    [Fact]
    public async Task InAFleet_ABucketThatFailsOrIsRefused_IsNamed_AndTheRestAreListed()
    {
        var store = new OneBucketFails("b");
        foreach (var bucket in new[] { "a", "b", "c" })
            store.Add(bucket, "k", "u", initiated: Now.AddDays(-2));

        var (list, printed) = await Print(Scan(store, new AccessPolicy(["a", "b", "c"], null)), ["a", "b", "c", "secret"]);

        printed.Should().Equal("a/k", "c/k");
        list.Failed.Select(f => f.Bucket).Should().Equal("secret", "b");
        list.Failed[1].Error.Should().Contain("AccessDenied");
        list.Error.Should().BeNull("a fleet names its failures and goes on");
    }

    [Fact]
    public async Task OneBucketThatFails_EndsTheRunWithItsError()
    {
        var store = new OneBucketFails("b");
        store.Add("b", "k", "u", initiated: Now.AddDays(-2));

        var (list, printed) = await Print(Scan(store), ["b"]);

        list.Error.Should().Contain("AccessDenied");
        list.Failed.Should().BeEmpty();
        printed.Should().BeEmpty();
    }
}
