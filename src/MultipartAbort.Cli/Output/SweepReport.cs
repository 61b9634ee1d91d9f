namespace MultipartAbort.Cli.Output;

internal static class SweepReport
{
    public static void Write(IAnsiConsole console, SweepSummary s, IReadOnlyList<AbortResult> notable)
    {
        var rate = s.ElapsedSeconds > 0 ? (s.Aborted + s.AlreadyGone + s.WouldAbort + s.Active + s.Requeued + s.DeadLettered + s.Failed) / s.ElapsedSeconds : 0;
        // A wide table title would wrap mid-word.
        var heading = $"sweep of s3://{s.Bucket}/{s.Prefix ?? ""} older than {s.OlderThan}{(s.DryRun ? " (dry run)" : "")}";
        var table = new Table().Border(console.Profile.Capabilities.Unicode ? TableBorder.Rounded : TableBorder.Ascii)
            .AddColumn("")
            .AddColumn(new TableColumn("").RightAligned());
        table.ShowHeaders = false;
        void Row(string name, string value) => table.AddRow(new Text(name), new Text(value));
        Row("pages listed", Format.Count(s.Pages));
        Row("uploads listed", Format.Count(s.Listed));
        if (s.PrefixFilteredLocally)
            Row("prefix filtered locally", "yes (the store misreads prefixes)");
        Row("matched", Format.Count(s.Matched));
        if (s.DryRun)
            Row("would abort", Format.Count(s.WouldAbort));
        else
            Row("aborted (verified)", Format.Count(s.Aborted));
        Row("already gone", Format.Count(s.AlreadyGone));
        Row($"active (MIN_IDLE {s.MinIdle}), left alone", Format.Count(s.Active));
        if (s.MaxUploadAge is not null)
            Row($"active but older than MAX_UPLOAD_AGE {s.MaxUploadAge}, taken", Format.Count(s.OverMaxAge));
        Row("requeued", Format.Count(s.Requeued));
        Row("dead-lettered", Format.Count(s.DeadLettered));
        Row("failed", Format.Count(s.Failed));
        Row("bytes reclaimed", $"{Format.Bytes(s.BytesReclaimed)} ({Format.Count(s.BytesReclaimed)} B)");
        Row("elapsed", Format.Seconds(s.ElapsedSeconds));
        Row("concurrency", s.AdaptiveConcurrency ? $"{Format.Count(s.Concurrency)} (adaptive, settled)" : $"{Format.Count(s.Concurrency)} (pinned)");
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
        var table = new Table().Border(console.Profile.Capabilities.Unicode ? TableBorder.Rounded : TableBorder.Ascii).AddColumn(new TableColumn("Bucket").NoWrap());
        foreach (var name in new[] { "Matched", "Aborted", "Active", "Other", "Failed", "Reclaimed" })
            table.AddColumn(new TableColumn(name).RightAligned());
        void Row(string bucket, IReadOnlyList<SweepSummary> s, string stopped) =>
            table.AddRow(
                new Text(bucket + stopped), new Text(Format.Count(s.Sum(x => x.Matched))),
                new Text(Format.Count(s.Sum(x => x.DryRun ? x.WouldAbort : x.Aborted))), new Text(Format.Count(s.Sum(x => x.Active))),
                new Text(Format.Count(s.Sum(x => x.AlreadyGone + x.Requeued))),
                new Text(Format.Count(s.Sum(x => x.Failed + x.DeadLettered))), new Text(Format.Bytes(s.Sum(x => x.BytesReclaimed))));
        foreach (var s in summaries)
            Row(s.Bucket, [s], s.StopReason is null ? "" : $" (stopped: {s.StopReason})");
        if (summaries.Count > 1)
            Row("total", summaries, "");
        var first = summaries.FirstOrDefault();
        console.WriteLine(
            $"sweep of {Format.Count(summaries.Count)} buckets{(first?.Prefix is null ? "" : $" (prefix {first.Prefix})")}"
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
        var details = new Table().Border(console.Profile.Capabilities.Unicode ? TableBorder.Rounded : TableBorder.Ascii)
            .Title(notable.Count >= Core.Sweep.SweepRunner.MaxReportedResults ? $"first {notable.Count} uploads that did not end clean or were left alone" : "uploads that did not end clean or were left alone")
            .AddColumn("Outcome").AddColumn("Bucket").AddColumn("Key").AddColumn("Upload id").AddColumn("Message");
        foreach (var r in notable)
            details.AddRow(new Text(r.Outcome.ToWireName()), new Text(r.Bucket), new Text(r.Key), new Text(r.UploadId), new Text(r.Message));
        console.Write(details);
    }
}
