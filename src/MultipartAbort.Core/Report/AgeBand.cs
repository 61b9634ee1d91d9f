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

    public static string Name(this AgeBand band) =>
        band switch
        {
            AgeBand.UnderOneDay => "<1d",
            AgeBand.OneToSevenDays => "1-7d",
            AgeBand.SevenToThirtyDays => "7-30d",
            AgeBand.OverThirtyDays => ">30d",
            AgeBand.Unknown => "unknown",
            _ => throw new ArgumentOutOfRangeException(nameof(band), band, null),
        };

    public static AgeBand Of(DateTimeOffset? initiated, DateTimeOffset now) =>
        initiated is not { } at ? AgeBand.Unknown
        : now - at < TimeSpan.FromDays(1) ? AgeBand.UnderOneDay
        : now - at < TimeSpan.FromDays(7) ? AgeBand.OneToSevenDays
        : now - at < TimeSpan.FromDays(30) ? AgeBand.SevenToThirtyDays
        : AgeBand.OverThirtyDays;
}
