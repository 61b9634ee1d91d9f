namespace MultipartAbort.Cli;

// Streamed page by page (flat memory); a bucket that fails is named and the rest listed.
internal static class ListCommand
{
    public static Command Create(GlobalOptions global)
    {
        var prefix = Options.Prefix();
        var olderThan = Options.OlderThan(required: false);
        var json = Options.Json();
        var command = new Command("list", "List the multipart uploads of a bucket, or of several (all pages), optionally only those older than a duration.")
        {
            prefix, olderThan, json,
        };
        var (buckets, allBuckets) = Options.AddBuckets(command);
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            var names = parse.GetValue(buckets) ?? [];
            var fleet = BucketSelector.IsFleet(names, parse.GetValue(allBuckets));
            var age = parse.GetValue(olderThan);
            var now = DateTimeOffset.UtcNow;
            var rows = new UploadRows(parse.GetValue(json), now, fleet);
            using var invocation = services.Begin(null, ct, Asker.Operator);
            var list = await services.Scan.PrintAsync(names, parse.GetValue(allBuckets), parse.GetValue(prefix) is { Length: > 0 } p ? p : null, age, now, (b, u) => rows.Add((b, u)), rows.Flush, invocation);
            if (list.Interrupted)
                return ExitCodes.Interrupted;
            if (list.Error is { } error)
                return await ExitCodes.FailAsync(ExitCodes.StoreError, error);
            foreach (var (bucket, failure) in list.Failed)
                await Console.Error.WriteLineAsync($"mpa: {bucket}: {failure}");
            rows.Finish(list, age);
            return list.Failed.Count == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }

    private static string Summary(UploadList list, TimeSpan? olderThan) =>
        (olderThan is { } a
            ? $"{ReportUnits.Count(list.Shown)} of {ReportUnits.Count(list.Listed)} uploads are older than {IsoDuration.Format(a)}"
            : $"{ReportUnits.Count(list.Listed)} uploads")
        + (list.PrefixFilteredLocally ? " (prefix filtered locally: the store misreads prefixes)" : "");

    private sealed class UploadRows(bool json, DateTimeOffset now, bool fleet) : RowOutput<(string Bucket, ListedUpload Upload)>(json, "uploads")
    {
        protected override Table Columns(Table table) =>
            (fleet ? table.AddColumn("Bucket") : table).AddColumn("Key").AddColumn("Upload id").AddColumn("Initiated (UTC)").RightAligned("Age");

        protected override IEnumerable<string> Cells((string Bucket, ListedUpload Upload) row, bool tsv)
        {
            var u = row.Upload;
            string[] cells = [u.Key, u.UploadId, Format.Timestamp(u.Initiated), tsv ? Format.AgeSeconds(now, u.Initiated) : ReportUnits.Age(now, u.Initiated)];
            return fleet ? cells.Prepend(row.Bucket) : cells;
        }

        protected override void WriteJson(Utf8JsonWriter json, (string Bucket, ListedUpload Upload) row)
        {
            json.WriteString("bucket", row.Bucket);
            json.WriteString("key", row.Upload.Key);
            json.WriteString("uploadId", row.Upload.UploadId);
            if (row.Upload.Initiated is { } at)
            {
                json.WriteString("initiated", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                json.WriteNumber("ageSeconds", Math.Round((now - at).TotalSeconds));
            }
        }

        public void Finish(UploadList list, TimeSpan? olderThan) =>
            Finish(
                Summary(list, olderThan),
                json =>
                {
                    json.WriteNumber("listed", list.Listed);
                    json.WriteNumber("count", list.Shown);
                    if (olderThan is { } a)
                        json.WriteString("olderThan", IsoDuration.Format(a));
                    if (list.PrefixFilteredLocally)
                        json.WriteBoolean("prefixFilteredLocally", true);
                    if (list.Failed.Count == 0)
                        return;
                    json.WriteStartArray("errors");
                    foreach (var (bucket, error) in list.Failed)
                    {
                        json.WriteStartObject();
                        json.WriteString("bucket", bucket);
                        json.WriteString("error", error);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
            );
    }
}
