namespace MultipartAbort.Cli.DeadLetters;

internal sealed class DlqReport(bool json, RedriveMode mode, bool dryRun)
    : RowOutput<(DeadLetterEntry Entry, RedriveAction Action)>(
        json,
        "messages",
        w =>
        {
            w.WriteString("mode", mode switch { RedriveMode.Retry => "redrive-to-retry", RedriveMode.Run => "redrive-run", _ => "list" });
            w.WriteBoolean("dryRun", dryRun);
        }
    )
{
    private int _count;
    private int _deleted;

    public void Add(DeadLetterEntry entry, RedriveAction action)
    {
        _count++;
        if (action.Deleted)
            _deleted++;
        Add((entry, action));
        // A redrive can take a while: each message shows as it is settled.
        if (IsJson)
            Flush();
    }

    public void Finish(string queueUrl) =>
        Finish(
            _count == 0 ? $"{queueUrl} is empty" : $"{ReportUnits.Count(_count)} message(s) in {queueUrl}" + (_deleted > 0 ? $"; {ReportUnits.Count(_deleted)} fed back and deleted" : ""),
            w =>
            {
                w.WriteString("queue", queueUrl);
                w.WriteNumber("count", _count);
                w.WriteNumber("deleted", _deleted);
            }
        );

    protected override Table Columns(Table table) => table.AddColumn("Shape").AddColumn("About").AddColumn("Reason").RightAligned("Age").AddColumn("Redrive");

    // Tabs and newlines in TSV values become spaces.
    protected override IEnumerable<string> Cells((DeadLetterEntry Entry, RedriveAction Action) row, bool tsv)
    {
        var (e, action) = row;
        var shape = Names(e.Shape).Text;
        return tsv
            ? [e.Message.MessageId, shape, Flat(e.Target), Flat(e.Reason), Format.AgeSeconds(DateTimeOffset.UtcNow, e.Message.SentAt), Flat(action.Text)]
            : [shape, e.Target, e.Reason, ReportUnits.Age(DateTimeOffset.UtcNow, e.Message.SentAt), action.Text.Length > 0 ? action.Text : e.RedriveBody is null ? "cannot (no body)" : "-"];
    }

    protected override void WriteJson(Utf8JsonWriter json, (DeadLetterEntry Entry, RedriveAction Action) row)
    {
        var (e, action) = row;
        json.WriteString("messageId", e.Message.MessageId);
        json.WriteString("shape", Names(e.Shape).Wire);
        json.WriteString("about", e.Target);
        json.WriteString("reason", e.Reason);
        json.WriteNumber("receiveCount", e.Message.ReceiveCount);
        if (e.Message.SentAt is { } sent)
            json.WriteString("sentAt", sent.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        json.WriteString("body", e.Message.Body);
        json.WriteString("redriveBody", e.RedriveBody);
        if (action.Text.Length > 0)
            json.WriteString("redrive", action.Text);
        json.WriteBoolean("deleted", action.Deleted);
    }

    private static (string Text, string Wire) Names(DeadLetterShape shape) =>
        shape switch
        {
            DeadLetterShape.Request => ("dead-lettered request", "request"),
            DeadLetterShape.Poison => ("poison record", "poison"),
            DeadLetterShape.AsyncFailure => ("failed async invocation", "async-failure"),
            _ => ("redrive original", "original"),
        };

    private static string Flat(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
