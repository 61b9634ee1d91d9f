using System.CommandLine;
using MultipartAbort.Core.Deadline;

namespace MultipartAbort.Cli;

/// <summary><c>mpa invoke [FILE|-]</c>: runs one event of any shape, prints the result JSON on stdout.</summary>
internal static class InvokeCommand
{
    public static Command Create(GlobalOptions global)
    {
        var file = new Argument<string>("event")
        {
            Description = "A file holding the event JSON, '-' for standard input, or the JSON itself (starting with '{').",
            DefaultValueFactory = _ => "-",
        };
        var command = new Command("invoke", "Run one event of any shape (abort request, batch, sweep, EventBridge, SQS, HTTP) and print the result JSON.") { file };
        command.SetAction(async (parse, ct) =>
        {
            var source = parse.GetValue(file)!;
            string text;
            try
            {
                text = source == "-" ? await Console.In.ReadToEndAsync(ct) : source.TrimStart().StartsWith('{') ? source : await File.ReadAllTextAsync(source, ct);
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"mpa: cannot read the event from '{source}': {ex.Message}");
                return ExitCodes.Usage;
            }
            catch (UnauthorizedAccessException ex)
            {
                await Console.Error.WriteLineAsync($"mpa: cannot read the event from '{source}': {ex.Message}");
                return ExitCodes.Usage;
            }

            if (!global.TryCreateServices(parse, out var services, out var exit))
                return exit;
            var response = await services.Events.HandleAsync(System.Text.Encoding.UTF8.GetBytes(text), InvocationContext.Unbounded, ct);
            await Console.Out.WriteLineAsync(response.BodyText);
            // An SQS event with records listed or dead-lettered, or an HTTP event answered 401/405/400/5xx, is a failure too.
            return response.Succeeded ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }
}
