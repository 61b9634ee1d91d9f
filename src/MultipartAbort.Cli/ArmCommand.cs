using System.CommandLine.Parsing;

namespace MultipartAbort.Cli;

// Without --upload-id it names the key and now.
internal static class ArmCommand
{
    public static Command Create(GlobalOptions global)
    {
        var bucket = Options.Bucket();
        var key = new Option<string>("--key", "-k") { Description = "The object key of the upload.", Required = true };
        var uploadId = new Option<string?>("--upload-id", "-u") { Description = "The upload id; without it, every upload of the key initiated by now is timed." };
        var ttl = new Option<TimeSpan?>("--ttl") { Description = "Abort this long from now (ISO-8601 duration: PT2H, P1D).", CustomParser = r => Options.ParseDuration(r, positive: true) };
        var notBefore = new Option<DateTimeOffset?>("--not-before") { Description = "Abort at this RFC 3339 time (2026-01-01T12:00:00Z).", CustomParser = ParseTime };
        var json = Options.Json();
        var command = new Command("arm", "Arm an upload TTL timer by hand: the upload is aborted and verified once the time comes (needs RETRY_QUEUE_URL).")
        {
            bucket,
            key,
            uploadId,
            ttl,
            notBefore,
            json,
        };
        command.Validators.Add(r =>
        {
            var hasTtl = r.GetResult(ttl) is not null;
            var hasTime = r.GetResult(notBefore) is not null;
            if (hasTtl == hasTime)
                r.AddError("give exactly one of --ttl or --not-before");
        });
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            if (services.Settings.RetryQueueUrl is null)
                return await ExitCodes.FailAsync(ExitCodes.Configuration, $"arm sends the timer to the retry queue, but {EnvironmentVariables.RetryQueueUrl} is not set");
            var now = TimeProvider.System.GetUtcNow();
            var id = parse.GetValue(uploadId);
            var request = new AbortRequest(parse.GetValue(bucket)!, parse.GetValue(key)!, id ?? "")
            {
                NotBefore = parse.GetValue(notBefore) ?? TimeBounds.Add(now, parse.GetValue(ttl)!.Value),
                InitiatedAt = string.IsNullOrEmpty(id) ? now : null,
                Reason = "mpa arm",
            };
            using var invocation = services.Begin(null, ct, Asker.Operator);
            var results = await services.ArmAsync(request, AbortOptions.Direct, invocation, "armed by mpa arm");
            return await AbortCommand.WriteAsync(InvocationResult.From(results), parse.GetValue(json), "any initiated by now");
        });
        return command;
    }

    private static DateTimeOffset? ParseTime(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Rfc3339.TryParse(text, out var value))
            return value;
        result.AddError($"--not-before must be an RFC 3339 time with an offset, such as 2026-01-01T12:00:00Z; got '{text}'");
        return null;
    }
}
