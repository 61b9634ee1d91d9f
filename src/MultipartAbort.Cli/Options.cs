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

    /// <summary>--bucket (repeatable, globs allowed) or --all-buckets.</summary>
    public static (Option<string[]> Buckets, Option<bool> All) AddBuckets(Command command)
    {
        var buckets = new Option<string[]>("--bucket", "-b")
        {
            Description = "A bucket, or a glob of buckets (logs-*); repeat for several.",
            Validators = { r => Check(r, v => !BucketSelector.IsGlob(v) && RequestParser.ValidateBucket(v) is { } e ? $"--bucket {e}" : null) },
        };
        var all = new Option<bool>("--all-buckets") { Description = "Every bucket the credentials can list (ListBuckets), within ALLOWED_BUCKETS." };
        command.Options.Insert(0, all);
        command.Options.Insert(0, buckets);
        command.Validators.Add(r =>
        {
            if ((r.GetValue(buckets) ?? []).Length == 0 && !r.GetValue(all))
                r.AddError("name a bucket (--bucket, repeatable, globs allowed) or --all-buckets");
        });
        return (buckets, all);
    }

    public static Option<string?> Prefix() => new("--prefix", "-p") { Description = "Only keys starting with this prefix." };

    public static Option<TimeSpan?> OlderThan(bool required) =>
        new("--older-than")
        {
            Description = "Only uploads initiated longer ago than this ISO-8601 duration (PT6H, P1D, P7D).",
            Required = required,
            CustomParser = r => ParseDuration(r),
        };

    public static Option<TimeSpan?> MinIdle() =>
        new("--min-idle")
        {
            Description = "Leave alone an upload whose newest part landed (or, with none, that began) less than this ISO-8601 duration ago (default: MIN_IDLE, PT1H; PT0S: off).",
            CustomParser = r => ParseDuration(r),
        };

    public static Option<TimeSpan?> MaxAge() =>
        new("--max-age")
        {
            Description = "Abort an upload initiated longer ago than this ISO-8601 duration even if a part landed within --min-idle (default: MAX_UPLOAD_AGE; unset: no cap).",
            CustomParser = r => ParseDuration(r),
        };

    public static Option<bool> Json() => new("--json") { Description = "Write JSON to stdout instead of a table." };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Report what would be aborted (would-abort); change nothing." };

    public static TimeSpan? ParseDuration(ArgumentResult result, bool positive = false)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (IsoDuration.TryParse(text, out var value, out var error) && (!positive || value > TimeSpan.Zero))
            return value;
        result.AddError($"{(result.Parent as OptionResult)?.Option.Name ?? "--older-than"} {error ?? $"must be longer than zero; got '{text}'"}");
        return null;
    }

    public static void Check(OptionResult result, Func<string, string?> problem)
    {
        foreach (var token in result.Tokens)
            if (problem(token.Value) is { } message)
                result.AddError(message);
    }
}
