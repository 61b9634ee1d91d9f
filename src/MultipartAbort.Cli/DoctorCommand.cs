using MultipartAbort.Adapters.Doctor;

namespace MultipartAbort.Cli;

internal static class DoctorCommand
{
    public static Command Create(GlobalOptions global)
    {
        var canary = new Option<string?>("--canary")
        {
            Description = "Also create one multipart upload with one small part under this prefix (it needs s3:PutObject), abort it and check nothing is left: how the store really answers.",
        };
        var json = Options.Json();
        var command = new Command("doctor", "Check the store and the credentials before a cleanup: who the store is, clock skew, each permission a sweep, a report and lifecycle need (tried harmlessly), the lifecycle rule, the prefix listing, the upload count. Read-only unless --canary.")
        {
            canary, json,
        };
        var (buckets, allBuckets) = Options.AddBuckets(command);
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCompose(parse, out var composed))
                return ExitCodes.Configuration;
            using var invocation = composed.Services.Begin(null, ct, Core.Asker.Operator);
            var report = await StoreDoctor.RunAsync(composed, parse.GetValue(buckets) ?? [], parse.GetValue(allBuckets), parse.GetValue(canary), invocation);
            if (parse.GetValue(json))
                await Console.Out.WriteLineAsync(report.Json());
            else
                Render(report);
            return report.Unreachable ? ExitCodes.StoreError : report.Passed ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }

    private static void Render(DoctorReport report)
    {
        AnsiConsole.WriteLine($"store {report.Endpoint ?? "(the SDK's default endpoint)"}");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Bucket").AddColumn("Check").AddColumn("Status").AddColumn("Detail");
        foreach (var c in report.Checks)
            table.AddRow(new Text(c.Bucket ?? "-"), new Text(c.Check), new Text(c.StatusName, new Style(Colour(c.Status))), new Text(c.Detail));
        AnsiConsole.Write(table);
        if (report.Profile is { } profile)
        {
            var facts = new Table().Border(TableBorder.Rounded).AddColumn("What differs between stores").AddColumn(profile.Heading + " (docs/stores.md)");
            foreach (var (behaviour, answer) in StoreProfiles.Facts(profile))
                facts.Row(behaviour.Replace("`", "", StringComparison.Ordinal), answer.Replace("*", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal));
            AnsiConsole.Write(facts);
        }
        var failed = report.Checks.Count(c => c.Status == DoctorStatus.Fail);
        AnsiConsole.WriteLine(report.Unreachable ? "the store could not be reached" : failed == 0 ? "every check passed" : $"{failed} check(s) failed");
    }

    private static Color Colour(DoctorStatus status) =>
        status switch
        {
            DoctorStatus.Ok => Color.Green,
            DoctorStatus.Fail => Color.Red,
            DoctorStatus.Warn => Color.Yellow,
            _ => Color.Grey,
        };
}
