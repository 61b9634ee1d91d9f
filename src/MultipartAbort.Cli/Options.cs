using System.CommandLine.Parsing;

namespace MultipartAbort.Cli;

// Validation names what is wrong (usage errors, exit 2).
internal static class Options
{
    public static Option<string> Bucket() =>
        new("--bucket", "-b")
        {
            Description = "The bucket.",
            Required = true,
            Validators = { r => Check(r, v => RequestParser.ValidateBucket(v) is { } e ? $"--bucket {e}" : null) },
        };

    /// <summary>Repeated, each a name or a glob (<c>logs-*</c>).</summary>
    public static Option<string[]> Buckets() =>
        new("--bucket", "-b")
        {
            Description = "A bucket, or a glob of buckets (logs-*); repeat for several.",
            Validators =
            {
                r =>
                    Check(r, v => !Core.Fleet.BucketSelector.IsGlob(v) && RequestParser.ValidateBucket(v) is { } e ? $"--bucket {e}" : null),
            },
        };

    public static Option<bool> AllBuckets() => new("--all-buckets") { Description = "Every bucket the credentials can list (ListBuckets), within ALLOWED_BUCKETS." };

    public static void RequireBuckets(CommandResult r, Option<string[]> buckets, Option<bool> all)
    {
        if ((r.GetValue(buckets) ?? []).Length == 0 && !r.GetValue(all))
            r.AddError("name a bucket (--bucket, repeatable, globs allowed) or --all-buckets");
    }

    public static Option<string?> Prefix() => new("--prefix", "-p") { Description = "Only keys starting with this prefix." };

    public static Option<TimeSpan?> OlderThan(bool required) =>
        new("--older-than")
        {
            Description = "Only uploads initiated longer ago than this ISO-8601 duration (PT6H, P1D, P7D).",
            Required = required,
            CustomParser = ParseDuration,
        };

    public static Option<TimeSpan?> MinIdle() =>
        new("--min-idle")
        {
            Description = "Leave alone an upload whose newest part landed (or, with none, that began) less than this ISO-8601 duration ago (default: MIN_IDLE, PT1H; PT0S: off).",
            CustomParser = ParseDuration,
        };

    public static Option<TimeSpan?> MaxAge() =>
        new("--max-age")
        {
            Description = "Abort an upload initiated longer ago than this ISO-8601 duration even if a part landed within --min-idle (default: MAX_UPLOAD_AGE; unset: no cap).",
            CustomParser = ParseDuration,
        };

    public static Option<bool> Json() => new("--json") { Description = "Write JSON to stdout instead of a table." };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Report what would be aborted (would-abort); change nothing." };

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (IsoDuration.TryParse(text, out var value, out var error))
            return value;
        result.AddError($"{(result.Parent as OptionResult)?.Option.Name ?? "--older-than"} {error}");
        return null;
    }

    private static void Check(OptionResult result, Func<string, string?> problem)
    {
        foreach (var token in result.Tokens)
            if (problem(token.Value) is { } message)
                result.AddError(message);
    }
}
