namespace MultipartAbort.Core.Report;

public enum AgeBand
{
    UnderOneDay,
    OneToSevenDays,
    SevenToThirtyDays,
    OverThirtyDays,

    // The store gave no Initiated time.
    Unknown,
}

public static class AgeBands
{
    public static IReadOnlyList<AgeBand> All { get; } = Enum.GetValues<AgeBand>();

    // In AgeBand's order.
    private static readonly string[] Names = ["<1d", "1-7d", "7-30d", ">30d", "unknown"];

    public static string Name(this AgeBand band) => Names[(int)band];

    public static AgeBand Of(DateTimeOffset? initiated, DateTimeOffset now) =>
        initiated is not { } at ? AgeBand.Unknown
        : now - at < TimeSpan.FromDays(1) ? AgeBand.UnderOneDay
        : now - at < TimeSpan.FromDays(7) ? AgeBand.OneToSevenDays
        : now - at < TimeSpan.FromDays(30) ? AgeBand.SevenToThirtyDays
        : AgeBand.OverThirtyDays;
}
