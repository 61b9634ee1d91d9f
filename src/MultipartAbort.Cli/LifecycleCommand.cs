using System.CommandLine;
using System.Text.Json;
using MultipartAbort.Adapters.Lifecycle;
using MultipartAbort.Core.Ports;
using Spectre.Console;

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
        var buckets = Options.Buckets();
        var allBuckets = Options.AllBuckets();
        var days = new Option<int?>("--days") { Description = "Also flag a rule that waits longer than this many days." };
        var json = Options.Json();
        var uploads = new Option<bool>("--uploads")
        {
            Description = "Also list each bucket's incomplete uploads (and their parts) and add up which a rule covers and which no rule does, as mpa report does.",
        };
        var check = new Command("check", "For each bucket: does a rule abort incomplete uploads, after how many days, for which prefix. Exit 1 when any bucket is flagged.")
        {
            buckets, allBuckets, days, json, uploads,
        };
        check.Validators.Add(r => Options.RequireBuckets(r, buckets, allBuckets));
        check.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services, out var exit))
                return exit;
            var withUploads = parse.GetValue(uploads);
            using var invocation = services.Begin(null, ct, Core.Asker.Operator);
            var audits = await services.LifecycleCheck.RunAsync(parse.GetValue(buckets) ?? [], parse.GetValue(allBuckets), parse.GetValue(days), withUploads, invocation);
            if (parse.GetValue(json))
                await Console.Out.WriteLineAsync(Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteStartArray("buckets");
                    foreach (var audit in audits)
                    {
                        var rule = audit.Rule;
                        w.WriteStartObject();
                        w.WriteString("bucket", audit.Bucket);
                        w.WriteString("status", audit.Status);
                        w.WriteBoolean("flagged", audit.Flagged);
                        if (rule is not null)
                        {
                            w.WriteString("ruleId", rule.Id);
                            w.WriteNumber("days", rule.Days ?? 0);
                            if (!rule.Filtered)
                                w.WriteString("prefix", rule.Prefix);
                        }
                        w.WriteString("detail", audit.Detail);
                        if (audit.Uploads is { } report)
                        {
                            w.WriteStartObject("uploads");
                            if ((report.Error ?? report.LifecycleError) is { } error)
                                w.WriteString("error", error);
                            foreach (var (name, figures) in new[] { ("covered", report.Overall.Covered), ("notCovered", report.Overall.NotCovered), ("coverageUnknown", report.Overall.CoverageUnknown), ("reapedByStore", report.Overall.ReapedByStore) })
                            {
                                w.WriteStartObject(name);
                                w.WriteNumber("uploads", figures.Uploads);
                                w.WriteNumber("bytes", figures.Bytes);
                                w.WriteEndObject();
                            }
                            w.WriteEndObject();
                        }
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteNumber("flagged", audits.Count(a => a.Flagged));
                    w.WriteEndObject();
                }));
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Bucket").AddColumn("Status").AddColumn("Rule").AddColumn(new TableColumn("Days").RightAligned()).AddColumn("Detail");
                if (withUploads)
                    table.AddColumn(new TableColumn("Uploads covered").RightAligned()).AddColumn(new TableColumn("No rule reaps").RightAligned());
                foreach (var audit in audits)
                {
                    Text[] cells = [new(audit.Bucket), new(audit.Status, new Style(audit.Flagged ? Color.Red : Color.Green)), new(audit.Rule?.Id ?? "-"), new(audit.Rule?.Days?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"), new(audit.Detail)];
                    if (audit.Uploads is not { } report)
                        table.AddRow(withUploads ? [.. cells, new Text("-"), new Text("-")] : cells);
                    else
                    {
                        var o = report.Overall;
                        var unknown = o.CoverageUnknown.Uploads > 0 ? $" +{Output.Format.Count(o.CoverageUnknown.Uploads)}?" : "";
                        table.AddRow([.. cells, new Text($"{Output.Format.Count(o.Covered.Uploads)} ({Output.Format.Bytes(o.Covered.Bytes)})"), new Text($"{Output.Format.Count(o.NotCovered.Uploads)} ({Output.Format.Bytes(o.NotCovered.Bytes)}){unknown}")]);
                    }
                }
                AnsiConsole.Write(table);
            }
            return audits.Any(a => a.Flagged) ? ExitCodes.SomeFailed : ExitCodes.Success;
        });
        return check;
    }

    private static Command Apply(GlobalOptions global)
    {
        var buckets = Options.Buckets();
        var allBuckets = Options.AllBuckets();
        var days = new Option<int>("--days") { Description = "Abort incomplete uploads this many days after they began (1 or more).", Required = true };
        var prefix = new Option<string?>("--prefix", "-p") { Description = "Only uploads under this prefix (default: the whole bucket)." };
        var yes = new Option<bool>("--yes") { Description = "Write the change; without it, show what would change and change nothing." };
        var json = Options.Json();
        var apply = new Command("apply", "Add (or shorten) one rule that aborts incomplete uploads, keeping every other rule as it is. A dry run unless --yes.")
        {
            buckets, allBuckets, days, prefix, yes, json,
        };
        apply.Validators.Add(r =>
        {
            Options.RequireBuckets(r, buckets, allBuckets);
            if (r.GetValue(days) < 1)
                r.AddError($"--days must be 1 or more (S3 and IBM COS refuse DaysAfterInitiation below 1); got {r.GetValue(days)}");
        });
        apply.SetAction(async (parse, ct) =>
        {
            if (!global.TryCompose(parse, out var composed, out var exit))
                return exit;
            var selection = await composed.Services.Scan.SelectAsync(parse.GetValue(buckets) ?? [], parse.GetValue(allBuckets), ct);
            var lifecycle = new BucketLifecycle(composed.S3);
            var n = parse.GetValue(days);
            var scope = parse.GetValue(prefix) ?? "";
            // --yes does not override DRY_RUN, the deployment's own "change nothing".
            var settings = composed.Services.Settings;
            var write = parse.GetValue(yes) && !settings.DryRun;
            var rows = new List<(string Bucket, string Status, string What, IReadOnlyList<string> Before, IReadOnlyList<string> After)>();
            foreach (var refused in selection.Refused)
                rows.Add((refused.Bucket, "error", refused.Error, [], []));
            foreach (var bucket in selection.Buckets)
                rows.Add(
                    // A rule aborts every upload under its prefix: with ALLOWED_PREFIXES set, that prefix must lie inside one.
                    settings.Access.CheckSweep(bucket, scope) is { } notAllowed
                        ? (bucket, "refused", $"{notAllowed}; give --prefix inside ALLOWED_PREFIXES", [], [])
                        : await ApplyOneAsync(lifecycle, bucket, n, scope, write, settings.DryRun, ct)
                );

            if (parse.GetValue(json))
                await Console.Out.WriteLineAsync(Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("dryRun", !write);
                    w.WriteStartArray("buckets");
                    foreach (var (bucket, status, what, before, after) in rows)
                    {
                        w.WriteStartObject();
                        w.WriteString("bucket", bucket);
                        w.WriteString("status", status);
                        w.WriteString("change", what);
                        w.WriteStartArray("before");
                        foreach (var line in before)
                            w.WriteStringValue(line);
                        w.WriteEndArray();
                        w.WriteStartArray("after");
                        foreach (var line in after)
                            w.WriteStringValue(line);
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }));
            else
                foreach (var (bucket, status, what, before, after) in rows)
                {
                    await Console.Out.WriteLineAsync($"{bucket}: {status}: {what}");
                    foreach (var line in before.Union(after))
                        await Console.Out.WriteLineAsync($"  {(before.Contains(line) ? after.Contains(line) ? " " : "-" : "+")} {line}");
                }
            return rows.All(r => r.Status is "applied" or "unchanged" or "would-apply") ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return apply;
    }

    // S3 has no conditional lifecycle write: re-reading before writing narrows the race to milliseconds.
    private static async Task<(string, string, string, IReadOnlyList<string>, IReadOnlyList<string>)> ApplyOneAsync(
        BucketLifecycle lifecycle,
        string bucket,
        int days,
        string prefix,
        bool write,
        bool dryRunSetting,
        CancellationToken ct
    )
    {
        try
        {
            var read = await lifecycle.ReadAsync(bucket, ct);
            var change = BucketLifecycle.Merge(read, days, prefix);
            var before = read.Select(BucketLifecycle.Describe).ToArray();
            var after = change.After.Select(BucketLifecycle.Describe).ToArray();
            if (!change.Changes)
                return (bucket, "unchanged", change.What, before, after);
            if (!write)
                return (bucket, "would-apply", change.What + (dryRunSetting ? " (DRY_RUN is set: nothing written)" : " (dry run: add --yes to write it)"), before, after);
            var again = (await lifecycle.ReadAsync(bucket, ct)).Select(BucketLifecycle.Describe).ToArray();
            if (!again.SequenceEqual(before))
                return (bucket, "conflict", "the configuration changed since it was read; nothing was written: run it again", before, again);
            await lifecycle.WriteAsync(bucket, change.After, ct);
            var readBack = await lifecycle.ReadAsync(bucket, ct);
            var written = readBack.Select(BucketLifecycle.Describe).ToArray();
            var verified = BucketLifecycle.AbortRules(readBack).Any(r => r.Aborts && r.Prefix == prefix && r.Days <= days);
            return verified
                ? (bucket, "applied", change.What + "; read back: the rule is there", before, written)
                : (bucket, "unverified", change.What + "; but reading it back does not show the rule", before, written);
        }
        catch (StoreException ex)
        {
            return (bucket, "error", ex.Message, [], []);
        }
    }

    private static string Json(Action<Utf8JsonWriter> write) => Core.Serialization.ResultJson.Text(write);
}
