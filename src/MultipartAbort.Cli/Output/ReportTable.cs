namespace MultipartAbort.Cli.Output;

internal static class ReportTable
{
    public static void Write(IAnsiConsole console, IncompleteUploadReport report)
    {
        var border = console.Profile.Capabilities.Unicode ? TableBorder.Rounded : TableBorder.Ascii;
        var totals = report.Totals;
        var cost = (UploadFigures f) => "$" + f.MonthlyCost(report.PricePerGbMonth).ToString("0.00", CultureInfo.InvariantCulture);
        var main = new Table().Border(border)
            .AddColumn("Bucket / prefix").AddColumn(new TableColumn("Uploads").RightAligned()).AddColumn(new TableColumn("Parts").RightAligned())
            .AddColumn(new TableColumn("Size").RightAligned()).AddColumn(new TableColumn("Oldest").RightAligned())
            .AddColumn(new TableColumn($"Active ({IsoDuration.Format(report.MinIdle)})").RightAligned()).AddColumn(new TableColumn("No rule reaps").RightAligned())
            .AddColumn(new TableColumn("Est. per month").RightAligned());
        void Row(string name, Breakdown cell) =>
            main.AddRow(
                new Text(name), new Text(Format.Count(cell.Total.Uploads)), new Text(Format.Count(cell.Total.Parts)), new Text(Format.Bytes(cell.Total.Bytes)),
                new Text(Format.Age(report.At, cell.Total.Oldest)), new Text($"{Format.Count(cell.Active.Uploads)} ({Format.Bytes(cell.Active.Bytes)})"), new Text(NotCovered(cell)), new Text(cost(cell.Total)));
        foreach (var bucket in report.Buckets)
        {
            if (bucket.Error is not null && bucket.Overall.Total.Uploads == 0)
            {
                main.AddRow(new Text(bucket.Bucket), new Text("-"), new Text("-"), new Text("-"), new Text("-"), new Text("-"), new Text("-"), new Text("-"));
                main.AddRow(new Text($"  error: {bucket.Error}", new Style(Color.Red)));
                continue;
            }
            Row(bucket.Bucket + (bucket.Complete ? "" : " (incomplete)"), bucket.Overall);
            foreach (var (prefix, cell) in bucket.Prefixes)
                Row($"  {(prefix.Length == 0 ? "(top level)" : prefix)}", cell);
            if (bucket.Error is not null)
                main.AddRow(new Text($"  error: {bucket.Error}", new Style(Color.Red)));
            if (bucket.LifecycleError is not null && bucket.Overall.Total.Uploads > 0)
                main.AddRow(new Text($"  lifecycle rules not read, coverage unknown: {bucket.LifecycleError}", new Style(Color.Yellow)));
            if (bucket.Disagreements > 0)
                main.AddRow(new Text($"  {Format.Count(bucket.Disagreements)} uploads: ListParts names another abort rule or date than the configuration (see --uploads)", new Style(Color.Yellow)));
        }
        if (report.Buckets.Count > 1)
            Row("total", totals);
        console.WriteLine($"incomplete multipart uploads at {Format.Timestamp(report.At)} UTC");
        console.Write(main);

        if (report.By != ReportBy.None)
        {
            var groups = new Table().Border(border).Title($"by {report.By.Name()}")
                .AddColumn(report.By == ReportBy.Initiator ? "Initiator" : "Owner").AddColumn(new TableColumn("Uploads").RightAligned()).AddColumn(new TableColumn("Parts").RightAligned())
                .AddColumn(new TableColumn("Size").RightAligned()).AddColumn(new TableColumn("Oldest").RightAligned()).AddColumn(new TableColumn("No rule reaps").RightAligned())
                .AddColumn(new TableColumn("Est. per month").RightAligned());
            foreach (var group in report.Groups)
                groups.AddRow(
                    new Text(group.Name), new Text(Format.Count(group.Figures.Total.Uploads)), new Text(Format.Count(group.Figures.Total.Parts)), new Text(Format.Bytes(group.Figures.Total.Bytes)),
                    new Text(Format.Age(report.At, group.Figures.Total.Oldest)), new Text(NotCovered(group.Figures)), new Text(cost(group.Figures.Total)));
            console.Write(groups);
        }

        var ages = new Table().Border(border).AddColumn("Age (since initiated)");
        var bands = AgeBands.All.Where(b => b != AgeBand.Unknown || totals.Bands[(int)b].Uploads > 0).ToArray();
        foreach (var band in bands)
            ages.AddColumn(new TableColumn(band.Name()).RightAligned());
        var rows = report.Buckets.Select(b => (b.Bucket, b.Overall));
        foreach (var (name, cell) in report.Buckets.Count > 1 ? rows.Append(("total", totals)) : rows)
            ages.AddRow([new Text(name), .. bands.Select(b => new Text($"{Format.Count(cell.Bands[(int)b].Uploads)} / {Format.Bytes(cell.Bands[(int)b].Bytes)}"))]);
        console.Write(ages);

        var largest = report.Buckets.SelectMany(b => b.Largest.Select(u => (b.Bucket, Upload: u))).OrderByDescending(x => x.Upload.Bytes).Take(10).ToArray();
        if (largest.Length > 0)
        {
            var table = new Table().Border(border).Title("largest uploads")
                .AddColumn("Bucket").AddColumn("Key").AddColumn(new TableColumn("Parts").RightAligned()).AddColumn(new TableColumn("Size").RightAligned())
                .AddColumn(new TableColumn("Age").RightAligned()).AddColumn(new TableColumn("Last part").RightAligned()).AddColumn("State");
            foreach (var (bucket, u) in largest)
                table.AddRow(new Text(bucket), new Text(u.Key), new Text(Format.Count(u.Parts)), new Text(Format.Bytes(u.Bytes)),
                    new Text(Format.Age(report.At, u.Initiated)), new Text(u.NewestPart is null ? "-" : Format.Age(report.At, u.NewestPart) + " ago"), new Text(u.Active ? "active" : "idle"));
            console.Write(table);
        }
        console.WriteLine(
            $"cost estimated at ${report.PricePerGbMonth.ToString(CultureInfo.InvariantCulture)} per GB-month ({report.PriceName}); "
                + $"active: a part landed (or, with none, it began) within MIN_IDLE {IsoDuration.Format(report.MinIdle)}; "
                + "no rule reaps: no enabled AbortIncompleteMultipartUpload lifecycle rule covers the upload (\"?\": its bucket's rules could not be read)"
        );
    }

    // Unknown coverage is marked apart, never shown as covered.
    private static string NotCovered(Breakdown cell) =>
        $"{Format.Count(cell.NotCovered.Uploads)} ({Format.Bytes(cell.NotCovered.Bytes)})"
        + (cell.CoverageUnknown.Uploads > 0 ? $" +{Format.Count(cell.CoverageUnknown.Uploads)}?" : "");
}
