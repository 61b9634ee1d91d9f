namespace MultipartAbort.Cli;

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
            byte[] bytes;
            try
            {
                // Bytes as given, so non-UTF-8 is refused (an argument arrives decoded, with U+FFFD, a legal key character).
                if (source == "-")
                {
                    using var stdin = new MemoryStream();
                    await Console.OpenStandardInput().CopyToAsync(stdin, ct);
                    bytes = stdin.ToArray();
                }
                else if (source.TrimStart().StartsWith('{'))
                {
                    if (MultipartAbort.Core.Events.StrictText.SurrogateProblem(source) is { } problem)
                        return await ExitCodes.FailAsync(ExitCodes.Usage, $"the event given on the command line is not valid text: {problem}");
                    bytes = System.Text.Encoding.UTF8.GetBytes(source);
                }
                else
                    bytes = await File.ReadAllBytesAsync(source, ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return await ExitCodes.FailAsync(ExitCodes.Usage, $"cannot read the event from '{source}': {ex.Message}");
            }

            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            // An event fed by hand is still an event: the floors hold.
            using var invocation = services.Begin(null, ct);
            var response = await services.HandleEventAsync(bytes, invocation);
            await Console.Out.WriteLineAsync(response.BodyText);
            // Records listed or dead-lettered, or an HTTP event answered 401/405/400/5xx, fail too.
            return response.Succeeded ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }
}
