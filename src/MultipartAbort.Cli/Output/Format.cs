namespace MultipartAbort.Cli.Output;

internal static class Format
{
    public static string Seconds(double seconds) =>
        seconds < 60
            ? $"{seconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
            : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    public static string AgeSeconds(DateTimeOffset now, DateTimeOffset? at) =>
        at is { } t ? Math.Round((now - t).TotalSeconds).ToString(CultureInfo.InvariantCulture) : "";

    public static Table Table(IAnsiConsole console) => new Table().Border(console.Profile.Capabilities.Unicode ? TableBorder.Rounded : TableBorder.Ascii);

    public static Table RightAligned(this Table table, params IEnumerable<string> columns)
    {
        foreach (var column in columns)
            table.AddColumn(new TableColumn(column).RightAligned());
        return table;
    }

    // Text, not markup.
    public static Table Row(this Table table, params IEnumerable<string> cells) => table.AddRow([.. cells.Select(c => new Text(c))]);
}
