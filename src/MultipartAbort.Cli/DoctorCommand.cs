using System.CommandLine;
using System.Text.Json;
using MultipartAbort.Adapters.Doctor;
using MultipartAbort.Cli.Output;
using Spectre.Console;

namespace MultipartAbort.Cli;

internal static class DoctorCommand
{
    public static Command Create(GlobalOptions global)
    {
        var buckets = Options.Buckets();
        var allBuckets = Options.AllBuckets();
        var canary = new Option<string?>("--canary")
        {
            Description = "Also create one multipart upload with one small part under this prefix (it needs s3:PutObject), abort it and check nothing is left: how the store really answers.",
        };
        var json = Options.Json();
        var command = new Command("doctor", "Check the store and the credentials before a cleanup: who the store is, clock skew, each permission a sweep, a report and lifecycle need (tried harmlessly), the lifecycle rule, the prefix listing, the upload count. Read-only unless --canary.")
        {
            buckets, allBuckets, canary, json,
        };
        command.Validators.Add(r => Options.RequireBuckets(r, buckets, allBuckets));
        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCompose(parse, out var composed, out var exit))
                return exit;
            var all = parse.GetValue(allBuckets);
            var selection = await composed.Services.Scan.SelectAsync(parse.GetValue(buckets) ?? [], all, ct);
            var doctor = new StoreDoctor(composed.S3, composed.Services.Settings, composed.Services.Time);
            var report = await doctor.RunAsync(selection.Buckets, [.. selection.Refused.Select(r => (r.Bucket, r.Error))], all, parse.GetValue(canary), ct);
            if (!report.Unreachable && selection.Buckets.Count > 0)
            {
                // Coverage totals are the report's, as mpa lifecycle check --uploads gives them.
                using var invocation = composed.Services.Begin(null, ct, Core.Asker.Operator);
                var census = await composed.Services.ReportAsync(new Core.Report.ReportRequest { Buckets = [.. selection.Buckets], Top = 0 }, invocation);
                report = report with { Checks = [.. report.Checks, .. census.Buckets.Where(b => b.Error is null).Select(Coverage)] };
            }
            if (parse.GetValue(json))
                await Console.Out.WriteLineAsync(Json(report));
            else
                Render(report);
            return report.Unreachable ? ExitCodes.StoreError : report.Passed ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }

    // A warning for any upload no enabled abort rule covers, or when the rules are unknown.
    private static DoctorCheck Coverage(Core.Report.BucketReport bucket)
    {
        var (covered, notCovered) = (bucket.Overall.Covered, bucket.Overall.NotCovered);
        if (bucket.LifecycleError is { } error)
            return new(bucket.Bucket, "lifecycle-coverage", DoctorStatus.Warn, $"unknown: the lifecycle rules could not be read ({error})");
        var detail = $"{Format.Count(covered.Uploads)} upload(s) ({Format.Bytes(covered.Bytes)}) covered by a rule, {Format.Count(notCovered.Uploads)} ({Format.Bytes(notCovered.Bytes)}) not covered";
        return new(bucket.Bucket, "lifecycle-coverage", notCovered.Uploads > 0 ? DoctorStatus.Warn : DoctorStatus.Ok, detail);
    }

    private static void Render(DoctorReport report)
    {
        AnsiConsole.WriteLine($"store {report.Endpoint ?? "(the SDK's default endpoint)"}");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Bucket").AddColumn("Check").AddColumn("Status").AddColumn("Detail");
        foreach (var c in report.Checks)
            table.AddRow(new Text(c.Bucket ?? "-"), new Text(c.Check), new Text(Name(c.Status), new Style(Colour(c.Status))), new Text(c.Detail));
        AnsiConsole.Write(table);
        if (report.Profile is { } profile)
        {
            var facts = new Table().Border(TableBorder.Rounded).AddColumn("What differs between stores").AddColumn(profile.Heading + " (docs/stores.md)");
            foreach (var (behaviour, answer) in StoreProfiles.Facts(profile))
                facts.AddRow(new Text(behaviour.Replace("`", "", StringComparison.Ordinal)), new Text(answer.Replace("*", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal)));
            AnsiConsole.Write(facts);
        }
        var failed = report.Checks.Count(c => c.Status == DoctorStatus.Fail);
        AnsiConsole.WriteLine(report.Unreachable ? "the store could not be reached" : failed == 0 ? "every check passed" : $"{failed} check(s) failed");
    }

    public static string Name(DoctorStatus status) => status.ToString().ToLowerInvariant();

    private static Color Colour(DoctorStatus status) =>
        status switch
        {
            DoctorStatus.Ok => Color.Green,
            DoctorStatus.Fail => Color.Red,
            DoctorStatus.Warn => Color.Yellow,
            _ => Color.Grey,
        };

    private static string Json(DoctorReport report) =>
        Core.Serialization.ResultJson.Text(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("passed", report.Passed);
            w.WriteBoolean("unreachable", report.Unreachable);
            if (report.Endpoint is not null)
                w.WriteString("endpoint", report.Endpoint);
            if (report.Server is not null)
                w.WriteString("server", report.Server);
            if (report.ClockSkew is { } skew)
                w.WriteNumber("clockSkewSeconds", Math.Round(skew.TotalSeconds));
            if (report.Profile is { } profile)
            {
                w.WriteStartObject("store");
                w.WriteString("id", profile.Id);
                w.WriteString("heading", profile.Heading);
                w.WriteStartObject("facts");
                foreach (var (behaviour, answer) in StoreProfiles.Facts(profile))
                    w.WriteString(behaviour, answer);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteStartArray("checks");
            foreach (var c in report.Checks)
            {
                w.WriteStartObject();
                if (c.Bucket is not null)
                    w.WriteString("bucket", c.Bucket);
                w.WriteString("check", c.Check);
                w.WriteString("status", Name(c.Status));
                w.WriteString("detail", c.Detail);
                if (c.Permission is { } p)
                {
                    w.WriteString("action", p.Action);
                    w.WriteString("operation", p.Operation);
                    w.WriteString("cosRole", p.CosRole);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
}
