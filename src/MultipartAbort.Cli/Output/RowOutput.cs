namespace MultipartAbort.Cli.Output;

// A table on a terminal, TSV in a pipe (for cut, awk, xargs), or one JSON object.
internal abstract class RowOutput<T>
{
    private readonly List<T> _rows = [];
    private readonly bool _tsv;
    private readonly Stream? _stdout;
    private readonly Utf8JsonWriter? _json;

    protected RowOutput(bool json, string array, Action<Utf8JsonWriter>? head = null)
    {
        _tsv = !json && Console.IsOutputRedirected;
        if (!json)
            return;
        _stdout = Console.OpenStandardOutput();
        _json = new Utf8JsonWriter(_stdout, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _json.WriteStartObject();
        head?.Invoke(_json);
        _json.WriteStartArray(array);
    }

    protected bool IsJson => _json is not null;

    protected abstract Table Columns(Table table);

    protected abstract IEnumerable<string> Cells(T row, bool tsv);

    protected abstract void WriteJson(Utf8JsonWriter json, T row);

    public void Add(T row)
    {
        if (_json is not null)
        {
            _json.WriteStartObject();
            WriteJson(_json, row);
            _json.WriteEndObject();
        }
        else if (_tsv)
            Console.Out.WriteLine(string.Join('\t', Cells(row, tsv: true)));
        else
            _rows.Add(row);
    }

    // Called each page, so output streams.
    public void Flush()
    {
        _json?.Flush();
        if (_tsv)
            Console.Out.Flush();
        if (_json is not null || _tsv || _rows.Count == 0)
            return;
        var table = Columns(new Table().Border(TableBorder.Rounded));
        foreach (var row in _rows)
            table.Row(Cells(row, tsv: false));
        AnsiConsole.Write(table);
        _rows.Clear();
    }

    public void Finish(string summary, Action<Utf8JsonWriter> tail)
    {
        Flush();
        if (_json is null)
        {
            if (_tsv)
                Console.Error.WriteLine(summary);
            else
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(summary)}[/]");
            return;
        }
        _json.WriteEndArray();
        tail(_json);
        _json.WriteEndObject();
        _json.Flush();
        _stdout!.WriteByte((byte)'\n');
        _stdout.Flush();
    }
}
