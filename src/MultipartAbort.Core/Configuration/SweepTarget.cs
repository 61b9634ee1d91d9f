namespace MultipartAbort.Core.Configuration;

/// <summary>One SWEEP_TARGETS entry, <c>bucket[/prefix]:olderThan[:shards]</c>.</summary>
internal sealed record SweepTarget(string Bucket, string? Prefix, TimeSpan OlderThan)
{
    public int? Shards { get; init; }

    public static IReadOnlyList<SweepTarget> ParseList(string? text, List<string> problems)
    {
        var targets = new List<SweepTarget>();
        foreach (var raw in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Parse(raw, out var target) is { } error)
                problems.Add($"{EnvironmentVariables.SweepTargets}: entry '{raw}'{error}");
            else
                targets.Add(target);
        }
        return targets;
    }

    // What is wrong with the entry, after its quoted text; null when target is set.
    private static string? Parse(string entry, out SweepTarget target)
    {
        target = null!;
        int? shards = null;
        var last = entry.LastIndexOf(':');
        if (last > 0 && entry[(last + 1)..] is { Length: > 0 } tail && tail.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(tail, CultureInfo.InvariantCulture, out var n) || n is < 1 or > Model.SweepShard.MaxCount)
                return $": the shard count must be from 1 to {Model.SweepShard.MaxCount}";
            shards = n;
            entry = entry[..last];
        }
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || colon == entry.Length - 1)
            return " is not bucket[/prefix]:olderThan[:shards] (for example my-bucket/tmp/:P1D or my-bucket:P7D:16)";
        var location = entry[..colon];
        if (!IsoDuration.TryParse(entry[(colon + 1)..], out var olderThan, out var error))
            return $": olderThan {error}";
        var slash = location.IndexOf('/');
        var bucket = slash < 0 ? location : location[..slash];
        var prefix = slash < 0 ? null : location[(slash + 1)..];
        if (bucket.Length < 3)
            return " has no valid bucket name";
        target = new SweepTarget(bucket, string.IsNullOrEmpty(prefix) ? null : prefix, olderThan) { Shards = shards };
        return null;
    }
}
