namespace MultipartAbort.Core.Configuration;

/// <summary>One entry of SWEEP_TARGETS: <c>bucket[/prefix]:olderThan</c>.</summary>
public sealed record SweepTarget(string Bucket, string? Prefix, TimeSpan OlderThan)
{
    public static IReadOnlyList<SweepTarget> ParseList(string? text, List<string> problems)
    {
        var targets = new List<SweepTarget>();
        if (string.IsNullOrWhiteSpace(text))
            return targets;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = raw.LastIndexOf(':');
            if (colon <= 0 || colon == raw.Length - 1)
            {
                problems.Add($"{EnvironmentVariables.SweepTargets}: entry '{raw}' is not bucket[/prefix]:olderThan (for example my-bucket/tmp/:P1D)");
                continue;
            }
            var location = raw[..colon];
            if (!IsoDuration.TryParse(raw[(colon + 1)..], out var olderThan, out var error))
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
            targets.Add(new SweepTarget(bucket, string.IsNullOrEmpty(prefix) ? null : prefix, olderThan));
        }
        return targets;
    }
}
