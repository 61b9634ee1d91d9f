namespace MultipartAbort.Core.Configuration;

/// <summary>One SWEEP_TARGETS entry, <c>bucket[/prefix]:olderThan[:shards]</c>.</summary>
internal sealed record SweepTarget(string Bucket, string? Prefix, TimeSpan OlderThan)
{
    public int? Shards { get; init; }

    public static IReadOnlyList<SweepTarget> ParseList(string? text, List<string> problems)
    {
        var targets = new List<SweepTarget>();
        if (string.IsNullOrWhiteSpace(text))
            return targets;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw;
            int? shards = null;
            var last = entry.LastIndexOf(':');
            if (last > 0 && entry[(last + 1)..] is { Length: > 0 } tail && tail.All(char.IsAsciiDigit))
            {
                if (!int.TryParse(tail, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > Model.SweepShard.MaxCount)
                {
                    problems.Add($"{EnvironmentVariables.SweepTargets}: entry '{raw}': the shard count must be from 1 to {Model.SweepShard.MaxCount}");
                    continue;
                }
                shards = n;
                entry = entry[..last];
            }
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || colon == entry.Length - 1)
            {
                problems.Add($"{EnvironmentVariables.SweepTargets}: entry '{raw}' is not bucket[/prefix]:olderThan[:shards] (for example my-bucket/tmp/:P1D or my-bucket:P7D:16)");
                continue;
            }
            var location = entry[..colon];
            if (!IsoDuration.TryParse(entry[(colon + 1)..], out var olderThan, out var error))
            {
                problems.Add($"{EnvironmentVariables.SweepTargets}: entry '{raw}': olderThan {error}");
                continue;
            }
            var slash = location.IndexOf('/');
            var bucket = slash < 0 ? location : location[..slash];
            var prefix = slash < 0 ? null : location[(slash + 1)..];
            if (bucket.Length < 3)
            {
                problems.Add($"{EnvironmentVariables.SweepTargets}: entry '{raw}' has no valid bucket name");
                continue;
            }
            targets.Add(new SweepTarget(bucket, string.IsNullOrEmpty(prefix) ? null : prefix, olderThan) { Shards = shards });
        }
        return targets;
    }
}
