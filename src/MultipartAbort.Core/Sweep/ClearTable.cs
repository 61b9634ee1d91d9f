using static MultipartAbort.Core.Report.ReportUnits;

namespace MultipartAbort.Core.Sweep;

internal static class ClearTable
{
    public static IReadOnlyList<string> Lines(ClearResult clear)
    {
        var s = clear.Sweep;
        var target = $"s3://{clear.Request.Bucket}/{clear.Request.Prefix}";
        var lines = new List<string>();
        if (clear.Refused is not null)
        {
            lines.Add($"{target}: refused: {clear.Refused}");
            return lines;
        }
        lines.Add(
            clear.DryRun
                ? $"{target}: would abort {Count(s.WouldAbort)} of {Count(s.Listed)} incomplete uploads listed; nothing changed{(clear.Request.Confirmed ? " (DRY_RUN is set)" : " (add --yes to abort them)")}"
                : $"{target}: aborted {Count(s.Aborted)} (verified with ListParts), already gone {Count(s.AlreadyGone)}, {Bytes(s.BytesReclaimed)} reclaimed, of {Count(s.Listed)} listed"
        );
        var troubled = s.Requeued + s.DeadLettered + s.Failed + s.Counts[AbortOutcome.Rejected];
        if (troubled > 0)
            lines.Add($"  not clean: requeued {Count(s.Requeued)}, dead-lettered {Count(s.DeadLettered)}, failed {Count(s.Failed)}, rejected {Count(s.Counts[AbortOutcome.Rejected])}");
        foreach (var r in clear.Notable.Take(10))
            lines.Add($"  {r.Outcome.ToWireName()} {r.Key} {r.UploadId}: {r.Message}");
        if (s.StopReason is not null)
            lines.Add($"  stopped early ({s.StopReason}); run it again to finish");
        if (clear.UploadsRemaining is { } left)
        {
            var why = new List<string>();
            if (clear.YoungerThanMinUploadAge > 0)
                why.Add($"{Count(clear.YoungerThanMinUploadAge)} younger than MIN_UPLOAD_AGE");
            if (clear.OutsideAllowedPrefixes > 0)
                why.Add($"{Count(clear.OutsideAllowedPrefixes)} outside ALLOWED_PREFIXES");
            var rest = left - clear.YoungerThanMinUploadAge - clear.OutsideAllowedPrefixes;
            if (rest > 0)
                why.Add($"{Count(rest)} not cleared (begun meanwhile, or not clean above)");
            lines.Add(left == 0 ? "  ListMultipartUploads: empty" : $"  ListMultipartUploads: {Count(left)} left ({string.Join(", ", why)})");
        }
        if (clear.RemainingError is not null)
            lines.Add($"  ListMultipartUploads could not be read to verify: {clear.RemainingError}");
        if (clear.PrefixBound)
            lines.Add("  bound to a prefix (--prefix or ALLOWED_PREFIXES): uploads outside it are not touched, so this cannot empty the bucket");
        if (clear.Contents is { } contents)
        {
            lines.Add(contents.ObjectsRemain ? "  objects: some remain (DeleteBucket fails until they are deleted; mpa never deletes objects)" : "  objects: none");
            lines.Add(
                contents.VersionsRemain switch
                {
                    true => "  versions: some remain (object versions or delete markers; DeleteBucket fails until they are deleted)",
                    false => "  versions: none",
                    null => $"  versions: unknown ({contents.VersionsUnknownWhy})",
                }
            );
        }
        if (clear.ContentsError is not null)
            lines.Add($"  objects and versions: could not be read: {clear.ContentsError}");
        if (clear.Deletable)
            lines.Add("  the bucket is empty: DeleteBucket can succeed");
        return lines;
    }
}
