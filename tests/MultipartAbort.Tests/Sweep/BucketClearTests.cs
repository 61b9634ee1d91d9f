using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Sweep;

/// <summary>
/// The clear use case on a scripted store: the floors are off only for an operator who allowed young uploads (the
/// one rule, <see cref="SweepRunner.BelowFloor"/>); an event's invocation is refused before any call.
/// </summary>
public sealed class BucketClearTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static (FunctionServices Services, ScriptedObjectStore Store) Build()
    {
        var store = new ScriptedObjectStore();
        // Begun a minute ago, a part landed a second ago: young and active under SWEEP_MIN_AGE and MIN_IDLE (both PT1H).
        store.Add("logs", "tmp/a", "u1", initiated: Now - TimeSpan.FromMinutes(1)).NewestPart = Now - TimeSpan.FromSeconds(1);
        var services = FunctionServices.Create(new Settings { ReabortBackoff = TimeSpan.Zero }, store, QueuePair.None, TextWriter.Null, LogLevel.None, new FakeTimeProvider(Now));
        return (services, store);
    }

    [Fact]
    public async Task AnOperatorsClear_TakesAYoungActiveUpload_AndVerifiesTheListingEmpty()
    {
        var (services, store) = Build();
        using var invocation = services.Begin(null, CancellationToken.None, Asker.Operator, allowYoung: true);

        var result = await services.Clears.RunAsync(new ClearRequest("logs") { Confirmed = true }, invocation);

        result.Refused.Should().BeNull();
        result.Sweep.Aborted.Should().Be(1);
        result.UploadsRemaining.Should().Be(0);
        result.Cleared.Should().BeTrue();
        store.AbortCalls.Should().BeGreaterThan(0);
        // This store cannot list objects: the answer says so rather than calling the bucket empty.
        result.ContentsError.Should().NotBeNull();
        result.Deletable.Should().BeFalse();
        ClearTable.Lines(result).Should().Contain("  ListMultipartUploads: empty");
    }

    [Fact]
    public async Task AClearUnderAnEventsInvocation_IsRefusedByTheFloor_BeforeAnyStoreCall()
    {
        var (services, store) = Build();
        using var invocation = services.Begin(null, CancellationToken.None);

        var result = await services.Clears.RunAsync(new ClearRequest("logs") { Confirmed = true }, invocation);

        result.Refused.Should().Contain(EnvironmentVariables.SweepMinAge);
        result.Cleared.Should().BeFalse();
        result.Sweep.Counts[Core.Model.AbortOutcome.Rejected].Should().Be(1);
        (store.AbortCalls, store.ListUploadsCalls).Should().Be((0, 0));
    }

    [Fact]
    public async Task WithoutConfirmation_NothingIsAborted_AndTheListingIsNotCountedAsCleared()
    {
        var (services, store) = Build();
        using var invocation = services.Begin(null, CancellationToken.None, Asker.Operator, allowYoung: true);

        var result = await services.Clears.RunAsync(new ClearRequest("logs"), invocation);

        result.DryRun.Should().BeTrue();
        result.Sweep.WouldAbort.Should().Be(1);
        result.Cleared.Should().BeFalse();
        store.AbortCalls.Should().Be(0);
        ClearTable.Lines(result)[0].Should().Contain("would abort 1 of 1").And.Contain("add --yes");
    }
}
