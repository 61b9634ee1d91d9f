namespace MultipartAbort.Cli;

internal static class LifecycleCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("lifecycle", "Audit, add or shorten the bucket lifecycle rule that aborts incomplete multipart uploads.");
        command.Subcommands.Add(Check(global));
        command.Subcommands.Add(Apply(global));
        return command;
    }

    private static Command Check(GlobalOptions global)
    {
        var days = new Option<int?>("--days") { Description = "Also flag a rule that waits longer than this many days." };
        var json = Options.Json();
        var uploads = new Option<bool>("--uploads")
        {
            Description = "Also list each bucket's incomplete uploads (and their parts) and add up which a rule covers and which no rule does, as mpa report does.",
        };
        var check = new Command("check", "For each bucket: does a rule abort incomplete uploads, after how many days, for which prefix. Exit 1 when any bucket is flagged.")
        {
            days, json, uploads,
        };
        var (buckets, allBuckets) = Options.AddBuckets(check);
        check.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            var withUploads = parse.GetValue(uploads);
            using var invocation = services.Begin(null, ct, Core.Asker.Operator);
            var result = await services.CheckLifecycleAsync(parse.GetValue(buckets) ?? [], parse.GetValue(allBuckets), parse.GetValue(days), withUploads, invocation);
            if (parse.GetValue(json))
                await Console.Out.WriteLineAsync(result.Json());
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Bucket").AddColumn("Status").AddColumn("Rule").RightAligned("Days").AddColumn("Detail");
                if (withUploads)
                    table.RightAligned("Uploads covered", "No rule reaps");
                foreach (var audit in result.Buckets)
                {
                    Text[] cells = [new(audit.Bucket), new(audit.Status, new Style(audit.Flagged ? Color.Red : Color.Green)), new(audit.Rule?.Id ?? "-"), new(audit.Rule?.Days?.ToString(CultureInfo.InvariantCulture) ?? "-"), new(audit.Detail)];
                    string[] covered = audit.Uploads?.Overall is { } o ? [$"{ReportUnits.Count(o.Covered.Uploads)} ({ReportUnits.Bytes(o.Covered.Bytes)})", ReportTable.NotCovered(o)] : ["-", "-"];
                    table.AddRow(withUploads ? [.. cells, .. covered.Select(c => new Text(c))] : cells);
                }
                AnsiConsole.Write(table);
            }
            return result.Flagged ? ExitCodes.SomeFailed : ExitCodes.Success;
        });
        return check;
    }

    private static Command Apply(GlobalOptions global)
    {
        var days = new Option<int>("--days") { Description = "Abort incomplete uploads this many days after they began (1 or more).", Required = true };
        var prefix = new Option<string?>("--prefix", "-p") { Description = "Only uploads under this prefix (default: the whole bucket)." };
        var yes = new Option<bool>("--yes") { Description = "Write the change; without it, show what would change and change nothing." };
        var json = Options.Json();
        var apply = new Command("apply", "Add (or shorten) one rule that aborts incomplete uploads, keeping every other rule as it is. A dry run unless --yes.")
        {
            days, prefix, yes, json,
        };
        var (buckets, allBuckets) = Options.AddBuckets(apply);
        apply.Validators.Add(r =>
        {
            if (r.GetValue(days) < 1)
                r.AddError($"--days must be 1 or more (S3 and IBM COS refuse DaysAfterInitiation below 1); got {r.GetValue(days)}");
        });
        apply.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            using var invocation = services.Begin(null, ct, Core.Asker.Operator);
            var result = await services.ApplyLifecycleAsync(parse.GetValue(buckets) ?? [], parse.GetValue(allBuckets), parse.GetValue(days), parse.GetValue(prefix) ?? "", parse.GetValue(yes), invocation);
            foreach (var line in parse.GetValue(json) ? [result.Json()] : result.Lines())
                await Console.Out.WriteLineAsync(line);
            return result.Succeeded ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return apply;
    }
}
