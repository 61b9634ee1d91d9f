namespace MultipartAbort.Cli.DeadLetters;

internal abstract class DlqReport
{
    protected int Count { get; private set; }
    protected int Deleted { get; private set; }

    public static DlqReport For(bool json, RedriveMode mode, bool dryRun) =>
        json ? new JsonReport(mode, dryRun) : Console.IsOutputRedirected ? new TsvReport() : new TableReport();

    public void Add(DeadLetterEntry entry, RedriveAction action)
    {
        Count++;
        if (action.Deleted)
            Deleted++;
        Write(entry, action);
    }

    protected abstract void Write(DeadLetterEntry entry, RedriveAction action);

    public abstract void Finish(string queueUrl);

    protected string Summary(string queueUrl) =>
        Count == 0 ? $"{queueUrl} is empty" : $"{Format.Count(Count)} message(s) in {queueUrl}" + (Deleted > 0 ? $"; {Format.Count(Deleted)} fed back and deleted" : "");

    private static string Age(DeadLetterEntry e) => Format.Age(DateTimeOffset.UtcNow, e.Message.SentAt);

    private sealed class TableReport : DlqReport
    {
        private readonly Table _table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn("Shape")
            .AddColumn("About")
            .AddColumn("Reason")
            .AddColumn(new TableColumn("Age").RightAligned())
            .AddColumn("Redrive");

        protected override void Write(DeadLetterEntry e, RedriveAction action) =>
            _table.AddRow(
                new Text(DeadLetterEntry.ShapeName(e.Shape)),
                new Text(e.Target),
                new Text(e.Reason),
                new Text(Age(e)),
                new Text(action.Text.Length > 0 ? action.Text : e.RedriveBody is null ? "cannot (no body)" : "-")
            );

        public override void Finish(string queueUrl)
        {
            if (Count > 0)
                AnsiConsole.Write(_table);
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(Summary(queueUrl))}[/]");
        }
    }

    // Tabs and newlines in values become spaces.
    private sealed class TsvReport : DlqReport
    {
        protected override void Write(DeadLetterEntry e, RedriveAction action) =>
            Console.Out.WriteLine(
                string.Join('\t', e.Message.MessageId, DeadLetterEntry.ShapeName(e.Shape), Flat(e.Target), Flat(e.Reason), Format.AgeSeconds(DateTimeOffset.UtcNow, e.Message.SentAt), Flat(action.Text))
            );

        public override void Finish(string queueUrl)
        {
            Console.Out.Flush();
            Console.Error.WriteLine(Summary(queueUrl));
        }

        private static string Flat(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
    }

    private sealed class JsonReport : DlqReport
    {
        private readonly Stream _stdout = Console.OpenStandardOutput();
        private readonly Utf8JsonWriter _json;

        public JsonReport(RedriveMode mode, bool dryRun)
        {
            _json = new Utf8JsonWriter(_stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            _json.WriteStartObject();
            _json.WriteString("mode", mode switch { RedriveMode.Retry => "redrive-to-retry", RedriveMode.Run => "redrive-run", _ => "list" });
            _json.WriteBoolean("dryRun", dryRun);
            _json.WriteStartArray("messages");
        }

        protected override void Write(DeadLetterEntry e, RedriveAction action)
        {
            _json.WriteStartObject();
            _json.WriteString("messageId", e.Message.MessageId);
            _json.WriteString("shape", e.Shape switch
            {
                DeadLetterShape.Request => "request",
                DeadLetterShape.Poison => "poison",
                DeadLetterShape.AsyncFailure => "async-failure",
                _ => "original",
            });
            _json.WriteString("about", e.Target);
            _json.WriteString("reason", e.Reason);
            _json.WriteNumber("receiveCount", e.Message.ReceiveCount);
            if (e.Message.SentAt is { } sent)
                _json.WriteString("sentAt", sent.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            _json.WriteString("body", e.Message.Body);
            _json.WriteString("redriveBody", e.RedriveBody);
            if (action.Text.Length > 0)
                _json.WriteString("redrive", action.Text);
            _json.WriteBoolean("deleted", action.Deleted);
            _json.WriteEndObject();
            _json.Flush();
        }

        public override void Finish(string queueUrl)
        {
            _json.WriteEndArray();
            _json.WriteString("queue", queueUrl);
            _json.WriteNumber("count", Count);
            _json.WriteNumber("deleted", Deleted);
            _json.WriteEndObject();
            _json.Flush();
            _stdout.WriteByte((byte)'\n');
            _stdout.Flush();
        }
    }
}
