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
    public void RequestDeadline_CountsFromTheRequestsArrival_SoReadingTheBodyCounts()
    {
        var time = new FakeTimeProvider(Now.AddSeconds(10));
        var (at, source) = HostDoors.RequestDeadline(Now, TimeSpan.FromSeconds(30), time);
        using var _ = source;

        at.Should().Be(Now.AddSeconds(30));
        time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromMilliseconds(1));
        source.IsCancellationRequested.Should().BeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        source.IsCancellationRequested.Should().BeTrue("10 s went on reading the body, so 20 s were left of 30");
    }

    [Fact]
    public void RequestDeadline_WhenTheTimeoutPassedWhileReading_IsAlreadyCancelled()
    {
        var (_, source) = HostDoors.RequestDeadline(Now, TimeSpan.FromSeconds(30), new FakeTimeProvider(Now.AddMinutes(1)));
        using var _ = source;

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
