namespace MultipartAbort.Cli;

internal static class SweepCommand
{
    private static SweepShard? Invalid(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }

    public static Command Create(GlobalOptions global)
    {
        var prefix = Options.Prefix();
        var olderThan = Options.OlderThan(required: true);
        var dryRun = Options.DryRun();
        var concurrency = new Option<int?>("--concurrency", "-c")
        {
            Description = "Uploads in flight at once, pinned (overrides SWEEP_CONCURRENCY; 1 to 1024). Unset: adaptive (AIMD), up to 256, backing off on SlowDown.",
            Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1 or > 1024) r.AddError("--concurrency must be between 1 and 1024"); } },
        };
        var minIdle = Options.MinIdle();
        var maxAge = Options.MaxAge();
        var showActive = new Option<bool>("--show-active") { Description = "List the uploads left alone as active (they are always counted)." };
        // Moot: every sweep probes parts first, so it always measures bytes.
        var measure = new Option<bool>("--measure-bytes") { Description = "Kept for old scripts; bytes are always measured now.", Hidden = true };
        var keyMarker = new Option<string?>("--key-marker") { Description = "Resume after this key (from an interrupted sweep's summary)." };
        var uploadIdMarker = new Option<string?>("--upload-id-marker") { Description = "Resume after this upload of --key-marker." };
        var shard = new Option<SweepShard?>("--shard")
        {
            Description = "Act only on shard i of N (0-based, e.g. 2/8): the uploads whose hash of key and upload id falls in it. Default: JOB_INDEX/JOB_ARRAY_SIZE when both are set (an IBM Code Engine array job), else the whole range.",
            CustomParser = r => SweepShard.Parse(r.Tokens.Count > 0 ? r.Tokens[0].Value : "", out var error) ?? Invalid(r, $"--shard {error}"),
        };
        var shards = new Option<int?>("--shards")
        {
            Description = $"Run the sweep as N shards, N workers in this process (1 to {SweepShard.MaxCount}).",
            Validators = { r => { if (r.GetValueOrDefault<int?>() is < 1 or > SweepShard.MaxCount) r.AddError($"--shards must be between 1 and {SweepShard.MaxCount}"); } },
        };
        var allowYoung = new Option<bool>("--allow-young")
        {
            Description = "Allow --older-than below SWEEP_MIN_AGE (default PT1H): uploads that young may still be in use.",
        };
        var json = Options.Json();
        var command = new Command("sweep", "Abort, and verify with ListParts, every multipart upload of a bucket (and prefix) initiated longer ago than --older-than.")
        {
            prefix, olderThan, minIdle, maxAge, showActive, dryRun, concurrency, measure, keyMarker, uploadIdMarker, shard, shards, allowYoung, json,
        };
        var (buckets, allBuckets) = Options.AddBuckets(command);
        bool IsFleet(System.CommandLine.Parsing.CommandResult r) => Core.Fleet.BucketSelector.IsFleet(r.GetValue(buckets) ?? [], r.GetValue(allBuckets));
        command.Validators.Add(r =>
        {
            if (IsFleet(r) && (r.GetValue(shard) is not null || r.GetValue(shards) is not null || r.GetValue(keyMarker) is not null))
                r.AddError("--shard, --shards and --key-marker take one bucket, not several (--bucket repeated, a glob, --all-buckets)");
            if (r.GetValue(uploadIdMarker) is not null && r.GetValue(keyMarker) is null)
                r.AddError("--upload-id-marker needs --key-marker");
            if (r.GetValue(shard) is not null && r.GetValue(shards) is not null)
                r.AddError("--shard (one shard) and --shards (all of them here) do not go together");
        });

        command.SetAction(async (parse, ct) =>
        {
            string? jobError = null;
            var names = parse.GetValue(buckets) ?? [];
            var fleet = IsFleet(parse.CommandResult);
            var sweep = new SweepRequest(fleet ? "*" : names[0], parse.GetValue(olderThan)!.Value)
            {
                Prefix = parse.GetValue(prefix) is { Length: > 0 } p ? p : null,
                DryRun = parse.GetValue(dryRun),
                MinIdle = parse.GetValue(minIdle),
                ShowActive = parse.GetValue(showActive),
                KeyMarker = parse.GetValue(keyMarker),
                UploadIdMarker = parse.GetValue(uploadIdMarker),
                Shard = parse.GetValue(shard) ?? (parse.GetValue(shards) is null && !fleet ? FromJobArray(out jobError) : null),
            };
            if (jobError is not null)
                return await ExitCodes.FailAsync(ExitCodes.Configuration, jobError);
            var flags = new Dictionary<string, string?>();
            if (parse.GetValue(concurrency) is { } n)
                flags[EnvironmentVariables.SweepConcurrency] = n.ToString(CultureInfo.InvariantCulture);
            // As MAX_UPLOAD_AGE for this run, so it is checked against MIN_UPLOAD_AGE where the setting is.
            if (parse.GetValue(maxAge) is { } cap)
                flags[EnvironmentVariables.MaxUploadAge] = IsoDuration.Format(cap);
            var asJson = parse.GetValue(json);
            var display = SweepDisplay.Create(asJson);
            // Log lines written under a live panel would tear it.
            using var logs = display.IsLive ? new DeferredLog(Console.Error) : null;
            if (!global.TryCreateServices(parse, out var services, flags, logs))
                return ExitCodes.Configuration;
            using var stop = new OperatorStop(ct, display.Notify);
            using var invocation = services.Begin(null, stop.Abandon, Asker.Operator, stop.Stop, display, parse.GetValue(allowYoung));
            var concurrencyTitle = services.Concurrency.IsAdaptive ? "adaptive concurrency" : $"{services.Concurrency.Limit} in flight";
            var selected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var work = services.Sweeps.SweepAsync(
                sweep,
                invocation,
                fleet ? (parse.GetValue(allBuckets) ? [.. names, "*"] : names) : null,
                parse.GetValue(shards),
                count =>
                {
                    display.Title = fleet
                        ? $"{count} buckets{(sweep.Prefix is null ? "" : $" (prefix {sweep.Prefix})")} older than {IsoDuration.Format(sweep.OlderThan)}{(sweep.DryRun ? " (dry run)" : "")} · {concurrencyTitle}"
                        : $"{sweep} · {concurrencyTitle}";
                    selected.SetResult();
                },
                commandLine: true
            );
            // Refused before anything was selected: no display.
            if (await Task.WhenAny(selected.Task, work) == selected.Task)
                await display.RunAsync(work);
            logs?.Release();
            InvocationResult result;
            try
            {
                result = await work;
            }
            catch (OperationCanceledException) when (stop.Abandon.IsCancellationRequested)
            {
                result = null!;
            }
            if (stop.Abandon.IsCancellationRequested)
                return await ExitCodes.FailAsync(ExitCodes.Interrupted, "sweep abandoned; uploads that were in flight may be unverified: run the sweep again");
            // Going below the operator's own floor is a deliberate, explicit choice.
            if (result.Results is [{ Outcome: AbortOutcome.Rejected, Field: not null } floor] && result.Sweeps.Count == 0)
                return await ExitCodes.FailAsync(ExitCodes.Usage, floor.Message);
            if (asJson)
                await Console.Out.WriteLineAsync(ResultJson.ResultText(result));
            else if (fleet)
                SweepReport.WriteFleet(AnsiConsole.Console, result.Sweeps, result.Results);
            else
                SweepReport.Write(AnsiConsole.Console, result.Sweeps[0], result.Results);
            if (result.Sweeps.Any(s => s.StopReason == SweepRunner.StopInterrupted))
                return ExitCodes.Interrupted;
            return result.AllSucceeded ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }

    // JOB_INDEX of JOB_ARRAY_SIZE, so a Code Engine array job needs no flag.
    private static SweepShard? FromJobArray(out string? error)
    {
        error = null;
        var index = Environment.GetEnvironmentVariable("JOB_INDEX");
        var size = Environment.GetEnvironmentVariable("JOB_ARRAY_SIZE");
        // A plain (non-array) job also has JOB_INDEX=0.
        if (string.IsNullOrWhiteSpace(index) || string.IsNullOrWhiteSpace(size) || int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == 1)
            return null;
        var shard = SweepShard.Parse($"{index.Trim()}/{size.Trim()}", out var problem);
        if (shard is null)
            error = $"JOB_INDEX={index} and JOB_ARRAY_SIZE={size} do not name a shard: {problem}";
        return shard;
    }
}
