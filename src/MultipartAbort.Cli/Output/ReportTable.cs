namespace MultipartAbort.Cli.Output;

internal static class ReportTable
{
    public static void Write(IAnsiConsole console, IncompleteUploadReport report)
    {
        var totals = report.Totals;
        var cost = (UploadFigures f) => "$" + f.MonthlyCost(report.PricePerGbMonth).ToString("0.00", CultureInfo.InvariantCulture);
        var main = Format.Table(console).AddColumn("Bucket / prefix")
            .RightAligned("Uploads", "Parts", "Size", "Oldest", $"Active ({IsoDuration.Format(report.MinIdle)})", "No rule reaps", "Est. per month");
        void Row(string name, Breakdown cell) =>
            main.Row(
                name, ReportUnits.Count(cell.Total.Uploads), ReportUnits.Count(cell.Total.Parts), ReportUnits.Bytes(cell.Total.Bytes), ReportUnits.Age(report.At, cell.Total.Oldest),
                $"{ReportUnits.Count(cell.Active.Uploads)} ({ReportUnits.Bytes(cell.Active.Bytes)})", NotCovered(cell), cost(cell.Total));
        foreach (var bucket in report.Buckets)
        {
            if (bucket.Error is not null && bucket.Overall.Total.Uploads == 0)
            {
                main.Row(bucket.Bucket, "-", "-", "-", "-", "-", "-", "-");
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
                main.AddRow(new Text($"  {ReportUnits.Count(bucket.Disagreements)} uploads: ListParts names another abort rule or date than the configuration (see --uploads)", new Style(Color.Yellow)));
        }
        if (report.Buckets.Count > 1)
            Row("total", totals);
        console.WriteLine($"incomplete multipart uploads at {Format.Timestamp(report.At)} UTC");
        console.Write(main);

        if (report.By != ReportBy.None)
        {
            var groups = Format.Table(console).Title($"by {report.By.Name()}").AddColumn(report.By == ReportBy.Initiator ? "Initiator" : "Owner")
                .RightAligned("Uploads", "Parts", "Size", "Oldest", "No rule reaps", "Est. per month");
            foreach (var (name, f) in report.Groups.Select(g => (g.Name, g.Figures)))
                groups.Row(name, ReportUnits.Count(f.Total.Uploads), ReportUnits.Count(f.Total.Parts), ReportUnits.Bytes(f.Total.Bytes), ReportUnits.Age(report.At, f.Total.Oldest), NotCovered(f), cost(f.Total));
            console.Write(groups);
        }

        var bands = AgeBands.All.Where(b => b != AgeBand.Unknown || totals.Bands[(int)b].Uploads > 0).ToArray();
        var ages = Format.Table(console).AddColumn("Age (since initiated)").RightAligned(bands.Select(b => b.Name()));
        var rows = report.Buckets.Select(b => (b.Bucket, b.Overall));
        foreach (var (name, cell) in report.Buckets.Count > 1 ? rows.Append(("total", totals)) : rows)
            ages.Row([name, .. bands.Select(b => $"{ReportUnits.Count(cell.Bands[(int)b].Uploads)} / {ReportUnits.Bytes(cell.Bands[(int)b].Bytes)}")]);
        console.Write(ages);

        var largest = report.Buckets.SelectMany(b => b.Largest.Select(u => (b.Bucket, Upload: u))).OrderByDescending(x => x.Upload.Bytes).Take(10).ToArray();
        if (largest.Length > 0)
        {
            var table = Format.Table(console).Title("largest uploads").AddColumn("Bucket").AddColumn("Key").RightAligned("Parts", "Size", "Age", "Last part").AddColumn("State");
            foreach (var (bucket, u) in largest)
                table.Row(bucket, u.Key, ReportUnits.Count(u.Parts), ReportUnits.Bytes(u.Bytes), ReportUnits.Age(report.At, u.Initiated), u.NewestPart is null ? "-" : ReportUnits.Age(report.At, u.NewestPart) + " ago", u.Active ? "active" : "idle");
            console.Write(table);
        }
        console.WriteLine(
            $"cost estimated at ${report.PricePerGbMonth.ToString(CultureInfo.InvariantCulture)} per GB-month ({report.PriceName}); "
                + $"active: a part landed (or, with none, it began) within MIN_IDLE {IsoDuration.Format(report.MinIdle)}; "
                + "no rule reaps: no enabled AbortIncompleteMultipartUpload lifecycle rule covers the upload (\"?\": its bucket's rules could not be read)"
        );
    }

    // Unknown coverage is marked apart, never shown as covered.
    internal static string NotCovered(Breakdown cell) =>
        $"{ReportUnits.Count(cell.NotCovered.Uploads)} ({ReportUnits.Bytes(cell.NotCovered.Bytes)})"
        + (cell.CoverageUnknown.Uploads > 0 ? $" +{ReportUnits.Count(cell.CoverageUnknown.Uploads)}?" : "");
}
