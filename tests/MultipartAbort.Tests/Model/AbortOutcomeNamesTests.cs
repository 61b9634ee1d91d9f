using MultipartAbort.Core.Model;

namespace MultipartAbort.Tests.Model;

public sealed class AbortOutcomeNamesTests
{
    // The wire names are a table indexed by the enum: a member added or moved must not shift the names results,
    // metrics and logs carry (README, docs/events.md).
    [Fact]
    public void ToWireName_OfEveryOutcome_IsItsDocumentedName()
    {
        var names = AbortOutcomeNames.All.ToDictionary(o => o, o => o.ToWireName());

        names.Should().Equal(new Dictionary<AbortOutcome, string>
        {
            [AbortOutcome.Aborted] = "aborted",
            [AbortOutcome.AlreadyGone] = "already-gone",
            [AbortOutcome.Requeued] = "requeued",
            [AbortOutcome.DeadLettered] = "dead-lettered",
            [AbortOutcome.Rejected] = "rejected",
            [AbortOutcome.Failed] = "failed",
            [AbortOutcome.WouldAbort] = "would-abort",
            [AbortOutcome.Active] = "active",
        });
    }
}
