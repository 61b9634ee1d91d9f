namespace MultipartAbort.Cli;

internal static class AbortCommand
{
    public static Command Create(GlobalOptions global)
    {
        var bucket = Options.Bucket();
        var key = new Option<string>("--key", "-k") { Description = "The object key of the upload.", Required = true };
        var uploadId = new Option<string>("--upload-id", "-u") { Description = "The upload id.", Required = true };
        var dryRun = Options.DryRun();
        var json = Options.Json();
        var command = new Command("abort", "Abort one multipart upload and verify with ListParts that no part remains.") { bucket, key, uploadId, dryRun, json };
        command.SetAction(async (parse, ct) =>
        {
            var request = new AbortRequest(parse.GetValue(bucket)!, parse.GetValue(key)!, parse.GetValue(uploadId)!) { Reason = "mpa abort" };
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            var options = AbortOptions.Direct with { DryRun = parse.GetValue(dryRun) };
            using var invocation = services.Begin(null, ct, Asker.Operator);
            var result = await services.AbortAsync(new UploadsPayload([ParsedUpload.Valid(request)]), options, invocation);
            return await WriteAsync(result, parse.GetValue(json));
        });
        return command;
    }

    internal static async Task<int> WriteAsync(InvocationResult result, bool json, string noUploadId = "")
    {
        if (json)
            await Console.Out.WriteLineAsync(ResultJson.ResultText(result));
        else
            foreach (var r in result.Results)
                await Console.Out.WriteLineAsync($"{r.Outcome.ToWireName()}: s3://{r.Bucket}/{r.Key} (upload {(r.UploadId.Length > 0 ? r.UploadId : noUploadId)}): {r.Message}");
        return result.AllSucceeded ? ExitCodes.Success : ExitCodes.SomeFailed;
    }
}
