using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core.Handlers;

namespace MultipartAbort.Tests.Handlers;

public sealed class HostDoorsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnswerBy_WhenLessThanTheResponseReserveIsLeft_IsAlreadyCancelled()
    {
        using var source = HostDoors.AnswerBy(Now.AddMilliseconds(100), new FakeTimeProvider(Now));

        source.IsCancellationRequested.Should().BeTrue("less than the response reserve is left");
    }

    [Fact]
    public void AnswerBy_WithTimeLeft_IsCancelledTheResponseReserveBeforeTheDeadline()
    {
        var time = new FakeTimeProvider(Now);
        using var source = HostDoors.AnswerBy(Now.AddMinutes(5), time);

        time.Advance(TimeSpan.FromMinutes(5) - HostDoors.ResponseReserve - TimeSpan.FromMilliseconds(1));
        source.IsCancellationRequested.Should().BeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        source.IsCancellationRequested.Should().BeTrue();
    }

    [Fact]
    public void AnswerBy_WithoutADeadline_IsNeverCancelled()
    {
        var time = new FakeTimeProvider(Now);
        using var source = HostDoors.AnswerBy(null, time);

        time.Advance(TimeSpan.FromDays(365));
        source.IsCancellationRequested.Should().BeFalse();
    }
}
