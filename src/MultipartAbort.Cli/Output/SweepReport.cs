namespace MultipartAbort.Cli.Output;

internal static class SweepReport
{
    public static void Write(IAnsiConsole console, SweepSummary s, IReadOnlyList<AbortResult> notable)
    {
        var rate = s.ElapsedSeconds > 0 ? (s.Aborted + s.AlreadyGone + s.WouldAbort + s.Active + s.Requeued + s.DeadLettered + s.Failed) / s.ElapsedSeconds : 0;
        // A wide table title would wrap mid-word.
        var heading = $"sweep of s3://{s.Bucket}/{s.Prefix ?? ""} older than {s.OlderThan}{(s.DryRun ? " (dry run)" : "")}";
        var table = Format.Table(console).AddColumn("").RightAligned("");
        table.ShowHeaders = false;
        void Row(string name, string value) => table.Row(name, value);
        Row("pages listed", ReportUnits.Count(s.Pages));
        Row("uploads listed", ReportUnits.Count(s.Listed));
        if (s.PrefixFilteredLocally)
            Row("prefix filtered locally", "yes (the store misreads prefixes)");
        Row("matched", ReportUnits.Count(s.Matched));
        if (s.DryRun)
            Row("would abort", ReportUnits.Count(s.WouldAbort));
        else
            Row("aborted (verified)", ReportUnits.Count(s.Aborted));
        Row("already gone", ReportUnits.Count(s.AlreadyGone));
        Row($"active (MIN_IDLE {s.MinIdle}), left alone", ReportUnits.Count(s.Active));
        if (s.MaxUploadAge is not null)
            Row($"active but older than MAX_UPLOAD_AGE {s.MaxUploadAge}, taken", ReportUnits.Count(s.OverMaxAge));
        Row("requeued", ReportUnits.Count(s.Requeued));
        Row("dead-lettered", ReportUnits.Count(s.DeadLettered));
        Row("failed", ReportUnits.Count(s.Failed));
        Row("bytes reclaimed", $"{ReportUnits.Bytes(s.BytesReclaimed)} ({ReportUnits.Count(s.BytesReclaimed)} B)");
        Row("elapsed", Format.Seconds(s.ElapsedSeconds));
        Row("concurrency", s.AdaptiveConcurrency ? $"{ReportUnits.Count(s.Concurrency)} (adaptive, settled)" : $"{ReportUnits.Count(s.Concurrency)} (pinned)");
        Row("uploads per second", Format.Rate(rate));
        if (s.StopReason is not null)
        {
            Row("stopped", s.StopReason + (s.Continued ? " (continuation re-queued)" : ""));
            if (s.NextKeyMarker is not null)
                Row("resume with", $"--key-marker '{s.NextKeyMarker}'" + (s.NextUploadIdMarker is null ? "" : $" --upload-id-marker '{s.NextUploadIdMarker}'"));
        }
        console.WriteLine(heading);
        console.Write(table);
        WriteNotable(console, notable);
    }

    public static void WriteFleet(IAnsiConsole console, IReadOnlyList<SweepSummary> summaries, IReadOnlyList<AbortResult> notable)
    {
        // Narrow columns, so a bucket name keeps its width on an 80-column terminal.
        var table = Format.Table(console).AddColumn(new TableColumn("Bucket").NoWrap()).RightAligned("Matched", "Aborted", "Active", "Other", "Failed", "Reclaimed");
        void Row(string bucket, IReadOnlyList<SweepSummary> s, string stopped) =>
            table.Row(
                bucket + stopped, ReportUnits.Count(s.Sum(x => x.Matched)), ReportUnits.Count(s.Sum(x => x.DryRun ? x.WouldAbort : x.Aborted)), ReportUnits.Count(s.Sum(x => x.Active)),
                ReportUnits.Count(s.Sum(x => x.AlreadyGone + x.Requeued)), ReportUnits.Count(s.Sum(x => x.Failed + x.DeadLettered)), ReportUnits.Bytes(s.Sum(x => x.BytesReclaimed)));
        foreach (var s in summaries)
            Row(s.Bucket, [s], s.StopReason is null ? "" : $" (stopped: {s.StopReason})");
        if (summaries.Count > 1)
            Row("total", summaries, "");
        var first = summaries.FirstOrDefault();
        console.WriteLine(
            $"sweep of {ReportUnits.Count(summaries.Count)} buckets{(first?.Prefix is null ? "" : $" (prefix {first.Prefix})")}"
                + (first is null ? "" : $" older than {first.OlderThan}, MIN_IDLE {first.MinIdle}{(first.DryRun ? " (dry run; Aborted counts would-abort)" : "")}")
        );
        console.Write(table);
        console.WriteLine("Other: already gone or requeued; Failed: failed or dead-lettered (the uploads below say why).");
        WriteNotable(console, notable);
    }

    private static void WriteNotable(IAnsiConsole console, IReadOnlyList<AbortResult> notable)
    {
        if (notable.Count == 0)
            return;
        var details = Format.Table(console)
            .Title(notable.Count >= Core.Sweep.SweepRunner.MaxReportedResults ? $"first {notable.Count} uploads that did not end clean or were left alone" : "uploads that did not end clean or were left alone")
            .AddColumn("Outcome").AddColumn("Bucket").AddColumn("Key").AddColumn("Upload id").AddColumn("Message");
        foreach (var r in notable)
            details.Row(r.Outcome.ToWireName(), r.Bucket, r.Key, r.UploadId, r.Message);
        console.Write(details);
    }
}
