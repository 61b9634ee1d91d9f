using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace MultipartAbort.Cli;

internal static class MpaCommandLine
{
    public static RootCommand Build()
    {
        var global = new GlobalOptions();
        var root = new RootCommand(
            "mpa: abort and verify S3/IBM COS multipart uploads (MultipartAbort's command line). "
                + "Every abort is verified with ListParts; configuration comes from the same environment variables as the function."
        );
        global.AddTo(root);
        root.Subcommands.Add(InvokeCommand.Create(global));
        root.Subcommands.Add(AbortCommand.Create(global));
        root.Subcommands.Add(ListCommand.Create(global));
        root.Subcommands.Add(SweepCommand.Create(global));
        root.Subcommands.Add(ClearCommand.Create(global));
        root.Subcommands.Add(ReportCommand.Create(global));
        root.Subcommands.Add(LifecycleCommand.Create(global));
        root.Subcommands.Add(ArmCommand.Create(global));
        root.Subcommands.Add(DeadLetters.DlqCommand.Create(global));
        root.Subcommands.Add(DrainCommand.Create(global));
        root.Subcommands.Add(DoctorCommand.Create(global));
        foreach (var help in root.Options.OfType<HelpOption>())
            if (help.Action is HelpAction inner)
                help.Action = new ExamplesHelpAction(inner);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not ExamplesHelpAction)
        {
            foreach (var error in parse.Errors)
                await Console.Error.WriteLineAsync($"mpa: {error.Message}");
            var command = parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";
            await Console.Error.WriteLineAsync($"Run 'mpa {command}--help' for usage and examples.");
            return ExitCodes.Usage;
        }
        // Commands handle SIGINT/SIGTERM themselves (a sweep finishes what is in flight).
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Exit 1 means "some upload failed", so a bug gets its own code.
            await Console.Error.WriteLineAsync(InternalError(ex));
            return ExitCodes.Internal;
        }
    }

    // No code puts a secret in an exception.
    internal static string InternalError(Exception ex) =>
        $"mpa: internal error (exit {ExitCodes.Internal}): {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")} -- please report it with the command and the event that caused it";

    private sealed class ExamplesHelpAction(HelpAction inner) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            inner.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            var examples = Examples(parseResult.CommandResult.Command.Name);
            if (examples.Count > 0)
            {
                output.WriteLine("Examples:");
                foreach (var line in examples)
                    output.WriteLine($"  {line}");
                output.WriteLine();
            }
            output.WriteLine("Exit codes: 0 all clean, 1 some upload failed / was rejected / dead-lettered (dlq: some message could not be fed back; drain: some entry was kept), 2 usage, 3 configuration, 4 store or queue error (list, dlq, drain; doctor: store unreachable), 70 internal error (a bug: report it), 130 interrupted.");
            output.WriteLine("Environment: COS_ENDPOINT, COS_REGION, COS_ACCESS_KEY_ID, COS_SECRET_ACCESS_KEY (or COS_API_KEY), RETRY_QUEUE_URL, SWEEP_CONCURRENCY, MIN_UPLOAD_AGE, ALLOWED_BUCKETS, ... (see docs/configuration.md).");
            return ExitCodes.Success;
        }
    }

    private static IReadOnlyList<string> Examples(string command) =>
        command switch
        {
            "sweep" =>
            [
                "mpa sweep --bucket logs --older-than P1D --dry-run        # what would go, nothing changed",
                "mpa sweep --bucket logs --prefix tmp/ --older-than PT6H    # abort and verify, live progress",
                "mpa sweep --bucket logs --older-than P7D --concurrency 64 --measure-bytes --json > result.json",
                "mpa sweep --bucket logs --older-than P1D --key-marker 'tmp/k' --upload-id-marker 'u1'   # resume after an interrupt",
            ],
            "clear" =>
            [
                "mpa clear --bucket old-logs            # what it would abort; nothing changes",
                "mpa clear --bucket old-logs --yes      # abort every upload, verify none is left, say what else blocks DeleteBucket",
                "mpa clear --bucket old-logs --yes --json | jq .deletable",
            ],
            "list" =>
            [
                "mpa list --bucket logs",
                "mpa list --bucket logs --prefix tmp/ --older-than P1D --json | jq '.uploads[].key'",
            ],
            "arm" =>
            [
                "mpa arm --bucket logs --key tmp/big.bin --upload-id 2~abc --ttl PT2H       # abort and verify two hours from now",
                "mpa arm --bucket logs --key tmp/big.bin --not-before 2026-01-01T12:00:00Z  # every upload of the key started by now",
            ],
            "dlq" =>
            [
                "mpa dlq                                  # what the dead-letter queue holds, and why (nothing changes)",
                "mpa dlq --json | jq '.messages[] | {shape, reason}'",
                "mpa dlq --redrive --dry-run              # what would be fed back",
                "mpa dlq --redrive                        # send each to the retry queue, then delete it",
                "mpa dlq --redrive --to run               # run each here now; deleted only when settled",
            ],
            "doctor" =>
            [
                "mpa doctor --bucket logs                       # read-only: store, clock, permissions, lifecycle rule, prefix listing, uploads",
                "mpa doctor --all-buckets --json",
                "mpa doctor --bucket logs --canary tmp/doctor/  # also one real upload under tmp/doctor/, aborted and verified gone",
            ],
            "drain" => ["RETRY_QUEUE_URL=cos://ops/retry/ mpa drain", "RETRY_QUEUE_URL=cos://ops/retry/ DEAD_LETTER_QUEUE_URL=cos://ops/dead/ mpa drain --json"],
            "abort" => ["mpa abort --bucket logs --key tmp/big.bin --upload-id 2~abc", "mpa abort --bucket logs --key tmp/big.bin --upload-id 2~abc --json"],
            "invoke" =>
            [
                "mpa invoke event.json",
                "mpa invoke '{\"sweep\": {\"bucket\": \"logs\", \"olderThan\": \"P1D\", \"dryRun\": true}}'",
                "aws sqs receive-message ... | jq -r '.Messages[0].Body' | mpa invoke -",
            ],
            _ =>
            [
                "mpa list --bucket logs --older-than P1D",
                "mpa sweep --bucket logs --older-than P1D --dry-run",
                "mpa sweep --bucket logs --older-than P1D",
                "mpa abort --bucket logs --key tmp/big.bin --upload-id 2~abc",
                "COS_ENDPOINT=https://s3.us-south.cloud-object-storage.appdomain.cloud mpa sweep --bucket b --older-than P1D",
            ],
        };
}
