
namespace MultipartAbort.Core.Deadline;

/// <summary>What the host knows about the invocation that the core needs: when it must have answered.</summary>
public sealed record InvocationContext(DateTimeOffset? Deadline)
{
    public static InvocationContext Unbounded { get; } = new((DateTimeOffset?)null);

    public TimeSpan? Remaining(TimeProvider time) => Deadline is { } d ? d - time.GetUtcNow() : null;
}
