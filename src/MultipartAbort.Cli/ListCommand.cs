using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MultipartAbort.Cli.Output;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using Spectre.Console;

namespace MultipartAbort.Cli;

/// <summary>
/// <c>mpa list</c>: the bucket's multipart uploads, streamed page by page (memory stays flat on any bucket):
/// a table on a terminal, tab-separated lines otherwise, or JSON.
/// </summary>
internal static class ListCommand
{
    public static Command Create(GlobalOptions global)
    {
        var bucket = Options.Bucket();
        var prefix = Options.Prefix();
        var olderThan = Options.OlderThan(required: false);
        var json = Options.Json();
        var command = new Command("list", "List a bucket's multipart uploads (all pages), optionally only those older than a duration.") { bucket, prefix, olderThan, json };
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services, out var exit))
                return exit;
            var listing = new UploadListing(parse.GetValue(bucket)!) { Prefix = parse.GetValue(prefix) is { Length: > 0 } p ? p : null };
            var age = parse.GetValue(olderThan);
            var now = DateTimeOffset.UtcNow;
            var sink = parse.GetValue(json) ? (IUploadSink)new JsonSink(now) : Console.IsOutputRedirected ? new TsvSink(now) : new TableSink(now);
            long listed = 0, shown = 0;
            try
            {
                await foreach (var upload in UploadLister.ListAsync(services.Store, listing, ct, _ => sink.Flush()))
                {
                    listed++;
                    if (age is { } a && !(upload.Initiated is { } at && now - at > a))
                        continue;
                    shown++;
                    sink.Add(upload);
                }
            }
            catch (StoreException ex)
            {
                sink.Flush();
                await Console.Error.WriteLineAsync($"mpa: {ex.Message}");
                return ExitCodes.StoreError;
            }
            sink.Finish(listed, shown, age);
            return ExitCodes.Success;
        });
        return command;
    }

    private interface IUploadSink
    {
        void Add(ListedUpload upload);

        /// <summary>Writes what was added so far (called at each page, so output streams).</summary>
        void Flush();

        void Finish(long listed, long shown, TimeSpan? olderThan);
    }

    private static string Summary(long listed, long shown, TimeSpan? olderThan) =>
        olderThan is { } a
            ? $"{shown.ToString("N0", CultureInfo.InvariantCulture)} of {listed.ToString("N0", CultureInfo.InvariantCulture)} uploads are older than {Core.Configuration.IsoDuration.Format(a)}"
            : $"{listed.ToString("N0", CultureInfo.InvariantCulture)} uploads";

    /// <summary>On a terminal: one table per listing page (at most 1,000 rows held).</summary>
    private sealed class TableSink(DateTimeOffset now) : IUploadSink
    {
        private readonly List<ListedUpload> _rows = [];

        public void Add(ListedUpload upload) => _rows.Add(upload);

        public void Flush()
        {
            if (_rows.Count == 0)
                return;
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Key").AddColumn("Upload id").AddColumn("Initiated (UTC)").AddColumn(new TableColumn("Age").RightAligned());
            foreach (var u in _rows)
                table.AddRow(new Text(u.Key), new Text(u.UploadId), new Text(Format.Timestamp(u.Initiated)), new Text(Format.Age(now, u.Initiated)));
            AnsiConsole.Write(table);
            _rows.Clear();
        }

        public void Finish(long listed, long shown, TimeSpan? olderThan)
        {
            Flush();
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Summary(listed, shown, olderThan))}[/]");
        }
    }

    /// <summary>Not a terminal: key, upload id, initiated, age in seconds, tab-separated (for cut, awk, xargs).</summary>
    private sealed class TsvSink(DateTimeOffset now) : IUploadSink
    {
        private readonly TextWriter _out = Console.Out;

        public void Add(ListedUpload u) =>
            _out.WriteLine($"{u.Key}\t{u.UploadId}\t{Format.Timestamp(u.Initiated)}\t{Format.AgeSeconds(now, u.Initiated)}");

        public void Flush() => _out.Flush();

        public void Finish(long listed, long shown, TimeSpan? olderThan)
        {
            _out.Flush();
            Console.Error.WriteLine(Summary(listed, shown, olderThan));
        }
    }

    /// <summary>{"uploads": [...], "listed": n, "count": n}, written as it streams.</summary>
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

        public void Add(ListedUpload u)
        {
            _json.WriteStartObject();
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

        public void Finish(long listed, long shown, TimeSpan? olderThan)
        {
            _json.WriteEndArray();
            _json.WriteNumber("listed", listed);
            _json.WriteNumber("count", shown);
            if (olderThan is { } a)
                _json.WriteString("olderThan", Core.Configuration.IsoDuration.Format(a));
            _json.WriteEndObject();
            _json.Flush();
            _stdout.WriteByte((byte)'\n');
            _stdout.Flush();
        }
    }
}
