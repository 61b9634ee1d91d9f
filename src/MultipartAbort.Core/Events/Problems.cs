namespace MultipartAbort.Core.Events;

// The first problem's field becomes the rejection's "field": the one a caller fixes first.
internal sealed class Problems
{
    private readonly List<string> _messages = [];

    public int Count => _messages.Count;

    public string? Field { get; private set; }

    public void Add(string field, string what) => AddWorded(field, $"{field} {what}");

    public void AddWorded(string field, string message)
    {
        Field ??= field;
        _messages.Add(message);
    }

    public override string ToString() => string.Join("; ", _messages);
}
