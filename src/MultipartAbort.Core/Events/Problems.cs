namespace MultipartAbort.Core.Events;

/// <summary>What is wrong with one request, each problem led by its field; the first field becomes the rejection's <c>field</c>.</summary>
internal sealed class Problems
{
    private readonly List<string> _messages = [];

    public int Count => _messages.Count;

    /// <summary>The field of the first problem: the one a caller fixes first.</summary>
    public string? Field { get; private set; }

    /// <summary>A problem with <paramref name="field"/>; the message reads "<paramref name="field"/> <paramref name="what"/>".</summary>
    public void Add(string field, string what)
    {
        Field ??= field;
        _messages.Add($"{field} {what}");
    }

    /// <summary>A problem whose message does not start with the field's name (<paramref name="message"/> says it in its own words).</summary>
    public void AddWorded(string field, string message)
    {
        Field ??= field;
        _messages.Add(message);
    }

    public override string ToString() => string.Join("; ", _messages);
}
