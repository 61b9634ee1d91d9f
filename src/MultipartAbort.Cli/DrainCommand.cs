namespace MultipartAbort.Cli;

// The entries due now, as one cron tick would run them.
internal static class DrainCommand
{
    public static Command Create(GlobalOptions global)
    {
        var json = Options.Json();
        var command = new Command(
            "drain",
            "Run the due entries of the retry ledger (RETRY_QUEUE_URL=cos://bucket/prefix/) once; entries not yet due are left alone."
        )
        {
            json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            if (services.RetryLedger is not { } ledger)
                return await ExitCodes.FailAsync(ExitCodes.Configuration, $"{EnvironmentVariables.RetryQueueUrl} is not a cos://bucket/prefix/ retry ledger, so there is nothing to drain (SQS delivers by itself)");
            try
            {
                using var invocation = services.Begin(null, ct, Asker.Operator);
                var result = await ledger.DrainAsync(invocation);
                if (parse.GetValue(json))
                    await Console.Out.WriteLineAsync(ResultJson.ResultText(result.ToInvocationResult()));
                else
                {
                    await Console.Out.WriteLineAsync($"{result} ({ledger.Address})");
                    foreach (var outcome in AbortOutcomeNames.All.Where(o => result.Counts[o] > 0))
                        await Console.Out.WriteLineAsync($"  {outcome.ToWireName()}: {result.Counts[outcome]}");
                }
                return result.Kept == 0 && result.Counts.AllSucceeded ? ExitCodes.Success : ExitCodes.SomeFailed;
            }
            catch (QueueException ex)
            {
                return await ExitCodes.FailAsync(ExitCodes.StoreError, ex.Message);
            }
        });
        return command;
    }
}
