using MultipartAbort.Core.Model;
using Spectre.Console;

namespace MultipartAbort.Cli.Output;

/// <summary>The final summary of a sweep as a table (counts, bytes reclaimed, elapsed), and the uploads that did not end clean.</summary>
internal static class SweepReport
{
    public static void Write(IAnsiConsole console, SweepSummary s, IReadOnlyList<AbortResult> notable)
    {
        var rate = s.ElapsedSeconds > 0 ? (s.Aborted + s.AlreadyGone + s.WouldAbort + s.Active + s.Requeued + s.DeadLettered + s.Failed) / s.ElapsedSeconds : 0;
        // A heading line, not a table title: a title wider than the two narrow columns would wrap mid-word.
        var heading = $"sweep of s3://{s.Bucket}/{s.Prefix ?? ""} older than {s.OlderThan}{(s.DryRun ? " (dry run)" : "")}";
        var table = new Table().Border(console.Profile.Capabilities.Unicode ? TableBorder.Rounded : TableBorder.Ascii)
            .AddColumn("")
            .AddColumn(new TableColumn("").RightAligned());
        table.ShowHeaders = false;
        void Row(string name, string value) => table.AddRow(new Text(name), new Text(value));
        Row("pages listed", Format.Count(s.Pages));
        Row("uploads listed", Format.Count(s.Listed));
        Row("matched", Format.Count(s.Matched));
        if (s.DryRun)
            Row("would abort", Format.Count(s.WouldAbort));
        else
            Row("aborted (verified)", Format.Count(s.Aborted));
        Row("already gone", Format.Count(s.AlreadyGone));
        Row($"active (MIN_IDLE {s.MinIdle}), left alone", Format.Count(s.Active));
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

        if (notable.Count == 0)
            return;
        var details = new Table().Border(console.Profile.Capabilities.Unicode ? TableBorder.Rounded : TableBorder.Ascii)
            .Title(notable.Count >= Core.Sweep.SweepRunner.MaxReportedResults ? $"first {notable.Count} uploads that did not end clean or were left alone" : "uploads that did not end clean or were left alone")
            .AddColumn("Outcome").AddColumn("Key").AddColumn("Upload id").AddColumn("Message");
        foreach (var r in notable)
            details.AddRow(new Text(r.Outcome.ToWireName()), new Text(r.Key), new Text(r.UploadId), new Text(r.Message));
        console.Write(details);
    }
}
