using Amazon.S3;
using Amazon.S3.Model;
using MultipartAbort.Adapters.Lifecycle;

namespace MultipartAbort.Tests.Lifecycle;

public sealed class BucketLifecycleMergeTests
{
    private static LifecycleRule Abort(string id, int days, string prefix = "") =>
        new()
        {
            Id = id,
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = prefix } },
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = days },
        };

    [Fact]
    public void TwoRulesOfTheSameScope_TheShorterAlreadyWithinDays_NothingChanges()
    {
        LifecycleRule[] rules = [Abort("slow", 30), Abort("fast", 3)];

        var change = BucketLifecycle.Merge(rules, 7, "");

        change.Changes.Should().BeFalse();
        change.What.Should().Contain("'fast' already aborts incomplete uploads after 3 days");
    }

    [Fact]
    public void AnIdCutTo255Characters_IsStillUnique()
    {
        var prefix = new string('p', 300) + "/";
        var taken = ("abort-incomplete-multipart-uploads-" + new string('p', 300))[..255];
        LifecycleRule[] rules = [new() { Id = taken, Status = LifecycleRuleStatus.Enabled, Expiration = new LifecycleRuleExpiration { Days = 9 } }];

        var added = BucketLifecycle.Merge(rules, 7, prefix).After.Last();

        added.Id.Should().NotBe(taken).And.HaveLength("abort-incomplete-multipart-uploads-2".Length);
        added.Id!.Length.Should().BeLessThanOrEqualTo(255);
    }

    [Fact]
    public void DaysBelowOne_AreRefused()
    {
        var act = () => BucketLifecycle.Merge([], 0, "");

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*DaysAfterInitiation must be 1 or more*");
    }
}
