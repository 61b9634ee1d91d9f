namespace MultipartAbort.Cli;

// Streamed page by page (flat memory); a bucket that fails is named and the rest listed.
internal static class ListCommand
{
    public static Command Create(GlobalOptions global)
    {
        var buckets = Options.Buckets();
        var allBuckets = Options.AllBuckets();
        var prefix = Options.Prefix();
        var olderThan = Options.OlderThan(required: false);
        var json = Options.Json();
        var command = new Command("list", "List the multipart uploads of a bucket, or of several (all pages), optionally only those older than a duration.")
        {
            buckets, allBuckets, prefix, olderThan, json,
        };
        command.Validators.Add(r => Options.RequireBuckets(r, buckets, allBuckets));
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            var names = parse.GetValue(buckets) ?? [];
            var fleet = BucketSelector.IsFleet(names, parse.GetValue(allBuckets));
            var age = parse.GetValue(olderThan);
            var now = DateTimeOffset.UtcNow;
            var sink = parse.GetValue(json) ? (IUploadSink)new JsonSink(now) : Console.IsOutputRedirected ? new TsvSink(now, fleet) : new TableSink(now, fleet);
            using var invocation = services.Begin(null, ct, Asker.Operator);
            var list = await services.Scan.PrintAsync(names, parse.GetValue(allBuckets), parse.GetValue(prefix) is { Length: > 0 } p ? p : null, age, now, sink.Add, sink.Flush, invocation);
            if (list.Interrupted)
                return ExitCodes.Interrupted;
            if (list.Error is { } error)
            {
                await Console.Error.WriteLineAsync($"mpa: {error}");
                return ExitCodes.StoreError;
            }
            foreach (var (bucket, failure) in list.Failed)
                await Console.Error.WriteLineAsync($"mpa: {bucket}: {failure}");
            sink.Finish(list, age);
            return list.Failed.Count == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }

    private interface IUploadSink
    {
        void Add(string bucket, ListedUpload upload);

        /// <summary>Called at each page, so output streams.</summary>
        void Flush();

        void Finish(UploadList list, TimeSpan? olderThan);
    }

    private static string Summary(UploadList list, TimeSpan? olderThan) =>
        (olderThan is { } a
            ? $"{list.Shown.ToString("N0", CultureInfo.InvariantCulture)} of {list.Listed.ToString("N0", CultureInfo.InvariantCulture)} uploads are older than {Core.Configuration.IsoDuration.Format(a)}"
            : $"{list.Listed.ToString("N0", CultureInfo.InvariantCulture)} uploads")
        + (list.PrefixFilteredLocally ? " (prefix filtered locally: the store misreads prefixes)" : "");

    // At most 1,000 rows held.
    private sealed class TableSink(DateTimeOffset now, bool fleet) : IUploadSink
    {
        private readonly List<(string Bucket, ListedUpload Upload)> _rows = [];

        public void Add(string bucket, ListedUpload upload) => _rows.Add((bucket, upload));

        public void Flush()
        {
            if (_rows.Count == 0)
                return;
            var table = new Table().Border(TableBorder.Rounded);
            if (fleet)
                table.AddColumn("Bucket");
            table.AddColumn("Key").AddColumn("Upload id").AddColumn("Initiated (UTC)").AddColumn(new TableColumn("Age").RightAligned());
            foreach (var (bucket, u) in _rows)
            {
                Text[] cells = [new(u.Key), new(u.UploadId), new(Format.Timestamp(u.Initiated)), new(Format.Age(now, u.Initiated))];
                table.AddRow(fleet ? [new Text(bucket), .. cells] : cells);
            }
            AnsiConsole.Write(table);
            _rows.Clear();
        }

        public void Finish(UploadList list, TimeSpan? olderThan)
        {
            Flush();
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Summary(list, olderThan))}[/]");
        }
    }

    // Tab-separated for cut, awk, xargs.
    private sealed class TsvSink(DateTimeOffset now, bool fleet) : IUploadSink
    {
        private readonly TextWriter _out = Console.Out;

        public void Add(string bucket, ListedUpload u) =>
            _out.WriteLine($"{(fleet ? bucket + "\t" : "")}{u.Key}\t{u.UploadId}\t{Format.Timestamp(u.Initiated)}\t{Format.AgeSeconds(now, u.Initiated)}");

        public void Flush() => _out.Flush();

        public void Finish(UploadList list, TimeSpan? olderThan)
        {
            _out.Flush();
            Console.Error.WriteLine(Summary(list, olderThan));
        }
    }

    private sealed class JsonSink : IUploadSink
    {
        private readonly Stream _stdout = Console.OpenStandardOutput();
        private readonly Utf8JsonWriter _json;
        private readonly DateTimeOffset _now;

        public JsonSink(DateTimeOffset now)
        {
            _now = now;
            _json = new Utf8JsonWriter(_stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            _json.WriteStartObject();
            _json.WriteStartArray("uploads");
        }

        public void Add(string bucket, ListedUpload u)
        {
            _json.WriteStartObject();
            _json.WriteString("bucket", bucket);
            _json.WriteString("key", u.Key);
            _json.WriteString("uploadId", u.UploadId);
            if (u.Initiated is { } at)
            {
                _json.WriteString("initiated", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                _json.WriteNumber("ageSeconds", Math.Round((_now - at).TotalSeconds));
            }
            _json.WriteEndObject();
        }

        public void Flush() => _json.Flush();

        public void Finish(UploadList list, TimeSpan? olderThan)
        {
            _json.WriteEndArray();
            _json.WriteNumber("listed", list.Listed);
            _json.WriteNumber("count", list.Shown);
            if (olderThan is { } a)
                _json.WriteString("olderThan", Core.Configuration.IsoDuration.Format(a));
            if (list.PrefixFilteredLocally)
                _json.WriteBoolean("prefixFilteredLocally", true);
            if (list.Failed.Count > 0)
            {
                _json.WriteStartArray("errors");
                foreach (var (bucket, error) in list.Failed)
                {
                    _json.WriteStartObject();
                    _json.WriteString("bucket", bucket);
                    _json.WriteString("error", error);
                    _json.WriteEndObject();
                }
                _json.WriteEndArray();
            }
            _json.WriteEndObject();
            _json.Flush();
            _stdout.WriteByte((byte)'\n');
            _stdout.Flush();
        }
    }
}
