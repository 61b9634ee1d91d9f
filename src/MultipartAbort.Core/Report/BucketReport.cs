namespace MultipartAbort.Core.Report;

/// <summary>One bucket's figures. Thread-safe: the report's ListParts calls add concurrently.</summary>
public sealed class BucketReport(string bucket, int top, ReportBy by = ReportBy.None)
{
    // Beyond this, prefixes add up under OtherPrefixes, so id-per-folder keys do not make a metric per upload.
    public const int MaxPrefixes = 1000;

    public const string OtherPrefixes = "(other)";

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Breakdown> _prefixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ShowbackGroup> _groups = new(StringComparer.Ordinal);
    private readonly PriorityQueue<ReportedUpload, long> _largest = new();
    private readonly PriorityQueue<ReportedUpload, DateTimeOffset> _oldest = new(Comparer<DateTimeOffset>.Create((a, b) => b.CompareTo(a)));

    public string Bucket { get; } = bucket;

    // Null when the bucket was read in full.
    public string? Error { get; set; }

    public bool Complete { get; set; }

    public Breakdown Overall { get; } = new();

    public string? LifecycleError { get; set; }

    public IReadOnlyList<LifecycleAbortRule>? Rules { get; set; }

    // Uploads whose ListParts named a rule or date other than the configuration's.
    public long Disagreements { get; private set; }

    // "" for keys above the depth.
    public IReadOnlyDictionary<string, Breakdown> Prefixes => _prefixes;

    internal ReportBy By { get; } = by;

    // Every distinct value up to MaxPrefixes, the rest under (other).
    internal IReadOnlyCollection<ShowbackGroup> Groups => Locked(() => _groups.Values.ToArray());

    // Completed or aborted between the listing and ListParts: not counted.
    public long Vanished { get; private set; }

    public long Unreadable { get; private set; }

    public IReadOnlyList<ReportedUpload> Largest => Drain(_largest).OrderByDescending(u => u.Bytes).ThenBy(u => u.Key, StringComparer.Ordinal).ToArray();
    public IReadOnlyList<ReportedUpload> Oldest => Drain(_oldest).OrderBy(u => u.Initiated).ThenBy(u => u.Key, StringComparer.Ordinal).ToArray();

    internal void Add(ReportedUpload upload, string? prefix, AgeBand band)
    {
        lock (_gate)
        {
            Overall.Add(upload, band);
            if (upload.Coverage.Disagreement is not null)
                Disagreements++;
            if (prefix is not null)
                Cell(_prefixes, prefix, OtherPrefixes, _ => new Breakdown()).Add(upload, band);
            if (By != ReportBy.None)
            {
                var principal = Showback.PrincipalOf(upload, By);
                var group = Cell(_groups, Showback.GroupOf(principal), Showback.Other, name => new ShowbackGroup(name));
                group.Figures.Add(upload, band);
                group.Remember(principal);
            }
            if (top <= 0)
                return;
            _largest.Enqueue(upload, upload.Bytes);
            if (_largest.Count > top)
                _largest.Dequeue();
            if (upload.Initiated is { } at)
            {
                _oldest.Enqueue(upload, at);
                if (_oldest.Count > top)
                    _oldest.Dequeue();
            }
        }
    }

    // Every distinct name up to MaxPrefixes, the rest under other.
    private static T Cell<T>(IDictionary<string, T> cells, string name, string other, Func<string, T> create)
    {
        if (!cells.ContainsKey(name) && cells.Count >= MaxPrefixes)
            name = other;
        if (!cells.TryGetValue(name, out var cell))
            cells[name] = cell = create(name);
        return cell;
    }

    public void AddVanished()
    {
        lock (_gate)
            Vanished++;
    }

    public void AddUnreadable(string error)
    {
        lock (_gate)
        {
            Unreadable++;
            Error ??= $"ListParts failed for some uploads (first: {error})";
        }
    }

    private ReportedUpload[] Drain<TPriority>(PriorityQueue<ReportedUpload, TPriority> queue) => Locked(() => queue.UnorderedItems.Select(i => i.Element).ToArray());

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
            return read();
    }

    public static string PrefixOf(string key, int depth)
    {
        var end = 0;
        for (var i = 0; i < depth; i++)
        {
            var slash = key.IndexOf('/', end);
            if (slash < 0)
                break;
            end = slash + 1;
        }
        return key[..end];
    }
}
