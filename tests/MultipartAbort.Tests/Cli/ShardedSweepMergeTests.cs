using MultipartAbort.Core.Sweep;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Tests.Cli;

public sealed class ShardedSweepMergeTests
{
    private static SweepSummary Stopped(long listed, string keyMarker, string? uploadIdMarker = null) =>
        new() { Bucket = "b", OlderThan = "P1D", Listed = listed, NextKeyMarker = keyMarker, NextUploadIdMarker = uploadIdMarker, StopReason = "interrupted" };

    [Fact]
    public void EarliestStop_OnAStoreWithItsOwnOrder_IsTheShardThatListedFewest_NotTheSmallestKeyInS3Order()
    {
        // Ceph RGW lists "file name" before "file": the shard at "file name" (5 listed) stopped before the one at "file"
        // (10 listed), though "file" is the smaller key in S3's order; resuming every shard from "file" would skip.
        var atFile = Stopped(10, "file", "2~b");
        var atFileName = Stopped(5, "file name", "2~a");
        var done = new SweepSummary { Bucket = "b", OlderThan = "P1D", Listed = 12 };

        SweepRunner.EarliestStop([atFile, done, atFileName]).Should().BeSameAs(atFileName);
        SweepRunner.EarliestStop([done]).Should().BeNull("a shard that finished has no marker");
    }
}
