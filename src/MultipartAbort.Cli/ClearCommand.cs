namespace MultipartAbort.Cli;

internal static class ClearCommand
{
    public static Command Create(GlobalOptions global)
    {
        var bucket = new Option<string>("--bucket", "-b")
        {
            Description = "The one bucket to clear, by name (no glob).",
            Required = true,
            Validators =
            {
                r =>
                    Options.Check(
                        r,
                        v => BucketSelector.IsGlob(v) ? $"--bucket '{v}' is a glob: mpa clear takes one bucket by name" : RequestParser.ValidateBucket(v) is { } e ? $"--bucket {e}" : null
                    ),
            },
        };
        // Accepted only to refuse it plainly: clearing every bucket is never one command.
        var allBuckets = new Option<bool>("--all-buckets") { Hidden = true };
        var prefix = Options.Prefix();
        var yes = new Option<bool>("--yes", "-y") { Description = "Abort them. Without it nothing changes: it says what it would abort." };
        var json = Options.Json();
        var command = new Command("clear", "Abort every incomplete upload of one bucket whatever its activity (MIN_IDLE does not apply), verify ListMultipartUploads is empty, and say whether objects or versions still block DeleteBucket (never deleted).")
        {
            bucket, allBuckets, prefix, yes, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(allBuckets))
                r.AddError("mpa clear takes one bucket (--bucket NAME), never --all-buckets; for many buckets use mpa sweep");
        });
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            var request = new ClearRequest(parse.GetValue(bucket)!)
            {
                Prefix = parse.GetValue(prefix) is { Length: > 0 } p ? p : null,
                Confirmed = parse.GetValue(yes),
            };
            using var stop = new OperatorStop(ct, m => Console.Error.WriteLine($"mpa: {m}"));
            using var invocation = services.Begin(null, stop.Abandon, Asker.Operator, stop.Stop, allowYoung: true);
            ClearResult result;
            try
            {
                result = await services.ClearAsync(request, invocation);
            }
            catch (OperationCanceledException) when (stop.Abandon.IsCancellationRequested)
            {
                return await ExitCodes.FailAsync(ExitCodes.Interrupted, "clear abandoned; uploads that were in flight may be unverified: run it again");
            }
            foreach (var line in parse.GetValue(json) ? [result.Json()] : result.Lines())
                await Console.Out.WriteLineAsync(line);
            return result.Interrupted ? ExitCodes.Interrupted : result.Succeeded ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }
}
