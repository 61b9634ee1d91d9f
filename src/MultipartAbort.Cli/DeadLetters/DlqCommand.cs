namespace MultipartAbort.Cli.DeadLetters;

internal static class DlqCommand
{
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    public static Command Create(GlobalOptions global)
    {
        var queue = new Option<string?>("--queue") { Description = "The dead-letter queue URL (default: DEAD_LETTER_QUEUE_URL)." };
        var max = new Option<int>("--max")
        {
            Description = "Read at most this many messages.",
            DefaultValueFactory = _ => 100,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--max must be from 1 to 100000"); } },
        };
        var redrive = new Option<bool>("--redrive") { Description = "Feed each message back (see --to), then delete it from the dead-letter queue." };
        var to = new Option<string>("--to")
        {
            Description = "Where --redrive feeds messages: 'retry' (send to RETRY_QUEUE_URL; the function picks them up) or 'run' (run them now, here).",
            DefaultValueFactory = _ => "retry",
        };
        to.AcceptOnlyFromAmong("retry", "run");
        var dryRun = new Option<bool>("--dry-run") { Description = "With --redrive: say what would be fed back; send, run and delete nothing." };
        var json = Options.Json();
        var command = new Command("dlq", "List the dead-letter queue, explain each message (shape and reason), and redrive them with --redrive.")
        {
            queue, max, redrive, to, dryRun, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            var url = parse.GetValue(queue) is { Length: > 0 } q ? q : services.Settings.DeadLetterQueueUrl;
            if (url is null)
                return await ExitCodes.FailAsync(ExitCodes.Configuration, "no dead-letter queue: set DEAD_LETTER_QUEUE_URL or pass --queue");
            var mode = parse.GetValue(redrive) ? (parse.GetValue(to) == "run" ? RedriveMode.Run : RedriveMode.Retry) : RedriveMode.None;
            if (mode == RedriveMode.Retry && services.Queues.Retry is null)
                return await ExitCodes.FailAsync(ExitCodes.Configuration, "--redrive --to retry needs RETRY_QUEUE_URL (or use --to run)");
            if (!QueueInboxes.TryOpen(url, services.Settings, services.Queues, out var inbox, out var problem))
                return await ExitCodes.FailAsync(ExitCodes.Configuration, problem);
            var report = new DlqReport(parse.GetValue(json), mode, parse.GetValue(dryRun));
            try
            {
                var messages = await ReceiveAllAsync(inbox, parse.GetValue(max), ct);
                var failures = 0;
                foreach (var entry in messages.Select(DeadLetterEntry.Explain))
                {
                    var action = await SettleAsync(entry, inbox, services, mode, parse.GetValue(dryRun), ct);
                    if (action.Failed)
                        failures++;
                    report.Add(entry, action);
                }
                report.Finish(url);
                return failures == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
            }
            catch (QueueException ex)
            {
                report.Finish(url);
                await Console.Error.WriteLineAsync($"mpa: the queue {ex.Address} failed: {ex.InnerException?.Message ?? ex.Message}");
                return ExitCodes.StoreError;
            }
        });
        return command;
    }

    // Each once: all stay hidden until settled.
    private static async Task<List<InboxMessage>> ReceiveAllAsync(IQueueInbox inbox, int max, CancellationToken ct)
    {
        var all = new List<InboxMessage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (all.Count < max)
        {
            var batch = await inbox.ReceiveAsync(Math.Min(10, max - all.Count), Hold, ct);
            if (batch.Count == 0)
                break;
            foreach (var m in batch)
                if (seen.Add(m.MessageId))
                    all.Add(m);
        }
        return all;
    }

    // Never throws for the message's own failure.
    private static async Task<RedriveAction> SettleAsync(DeadLetterEntry entry, IQueueInbox inbox, FunctionServices services, RedriveMode mode, bool dryRun, CancellationToken ct)
    {
        if (mode == RedriveMode.None || entry.RedriveBody is null || dryRun)
        {
            await inbox.ReleaseAsync(entry.Message, ct);
            return mode == RedriveMode.None ? RedriveAction.Listed
                : entry.RedriveBody is null ? RedriveAction.Kept("nothing to feed back (the record had no body)", failed: true)
                : RedriveAction.Kept(mode == RedriveMode.Run ? "would run it now" : "would send it to the retry queue", failed: false);
        }
        if (mode == RedriveMode.Retry)
        {
            await services.Queues.Retry!.SendAsync(entry.RedriveBody, TimeSpan.Zero, ct);
            await inbox.DeleteAsync(entry.Message, ct);
            return RedriveAction.Done("sent to the retry queue; deleted");
        }

        using var invocation = services.Begin(null, ct);
        var response = await services.HandleEventAsync(System.Text.Encoding.UTF8.GetBytes(entry.RedriveBody), invocation);
        var results = response.Result?.Results ?? [];
        var outcomes = string.Join(", ", results.GroupBy(r => r.Outcome).Select(g => $"{g.Key.ToWireName()} {g.Count()}"));
        // A new dead-letter entry (dead-lettered again) replaces this one.
        var settled = response.Result is { } result && results.All(r => r.Outcome.IsSuccess() || r.Outcome == AbortOutcome.DeadLettered) && result.Sweeps.All(s => s.Failed == 0);
        if (!settled)
        {
            await inbox.ReleaseAsync(entry.Message, ct);
            var why = results.FirstOrDefault(r => !r.Outcome.IsSuccess())?.Message ?? "no result";
            return RedriveAction.Kept($"ran: {(outcomes.Length > 0 ? outcomes : "nothing")}; kept ({why})", failed: true);
        }
        await inbox.DeleteAsync(entry.Message, ct);
        return RedriveAction.Done($"ran: {(outcomes.Length > 0 ? outcomes : "done")}; deleted");
    }
}

internal sealed record RedriveAction(string Text, bool Deleted, bool Failed)
{
    public static RedriveAction Listed { get; } = new("", false, false);

    public static RedriveAction Done(string text) => new(text, true, false);

    public static RedriveAction Kept(string text, bool failed) => new(text, false, failed);
}

internal enum RedriveMode
{
    None,
    Retry,
    Run,
}
