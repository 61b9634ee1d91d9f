namespace MultipartAbort.Cli.Output;

// Keeps only the newest lines past a limit, so memory stays bounded.
internal sealed class DeferredLog(TextWriter target, int maxLines = 1000) : TextWriter
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();
    private readonly StringBuilder _partial = new();
    private long _dropped;
    private bool _released;

    public override Encoding Encoding => target.Encoding;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (_released)
            {
                target.Write(value);
                return;
            }
            if (value != '\n')
            {
                _partial.Append(value);
                return;
            }
            _lines.Enqueue(_partial.ToString());
            _partial.Clear();
            if (_lines.Count > maxLines)
            {
                _lines.Dequeue();
                _dropped++;
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
            Write(c);
    }

    public void Release()
    {
        lock (_gate)
        {
            if (_released)
                return;
            _released = true;
            if (_dropped > 0)
                target.WriteLine($"mpa: {_dropped} earlier log lines were dropped while the progress panel was shown");
            foreach (var line in _lines)
                target.WriteLine(line);
            target.Write(_partial.ToString());
            target.Flush();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            Release();
        base.Dispose(disposing);
    }
}
