namespace MultipartAbort.Cli;

internal static class ReportCommand
{
    public static Command Create(GlobalOptions global)
    {
        var depth = new Option<int>("--depth")
        {
            Description = $"Break each bucket down by prefix: the key's first N '/'-separated segments (0 to {ReportRequest.MaxDepth}).",
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 0 or > ReportRequest.MaxDepth) r.AddError($"--depth must be from 0 to {ReportRequest.MaxDepth}"); } },
        };
        var minIdle = Options.MinIdle();
        var price = new Option<decimal?>("--price-per-gb-month")
        {
            Description = $"The storage price per GB-month for the estimate (default {ReportRequest.DefaultPricePerGbMonth.ToString(CultureInfo.InvariantCulture)}: {ReportRequest.DefaultPriceName}).",
            Validators = { r => { if (r.GetValueOrDefault<decimal?>() is < 0) r.AddError("--price-per-gb-month must not be negative"); } },
        };
        var top = new Option<int>("--top") { Description = "How many of each bucket's largest and oldest uploads to name.", DefaultValueFactory = _ => 10 };
        var json = Options.Json();
        var csv = new Option<bool>("--csv") { Description = "Write CSV to stdout: one row per bucket, prefix, age band, activity and lifecycle coverage." };
        var uploads = new Option<bool>("--uploads")
        {
            Description = "With --json or --csv: one row per upload (its lifecycle coverage: coveredBy, reapedAfter), written as it is counted, instead of the totals.",
        };
        var by = new Option<string?>("--by")
        {
            Description = "Group every figure by who started each upload (initiator) or who owns it (owner), as ListMultipartUploads names them; an assumed-role session counts under its role.",
            Validators = { r => { if (r.GetValueOrDefault<string?>() is { } v && !Showback.TryParse(v, out _)) r.AddError($"--by must be initiator or owner; got '{v}'"); } },
        };
        var byTop = new Option<int>("--by-top")
        {
            Description = $"With --by: how many groups to keep (the largest by bytes); the rest add up under {Showback.Other} (1 to {Showback.MaxTop}).",
            DefaultValueFactory = _ => Showback.DefaultTop,
            Validators = { r => { if (r.GetValueOrDefault<int>() is < 1 or > Showback.MaxTop) r.AddError($"--by-top must be from 1 to {Showback.MaxTop}"); } },
        };
        var html = new Option<FileInfo?>("--html")
        {
            Description = "Also write the report as one self-contained HTML page with charts to this file (it names keys); stdout keeps the table, JSON or CSV.",
            HelpName = "FILE",
        };
        var command = new Command("report", "What incomplete multipart uploads hold and cost, per bucket, prefix, age and activity. Read-only: never aborts.")
        {
            depth, minIdle, price, top, by, byTop, json, csv, uploads, html,
        };
        var (buckets, allBuckets) = Options.AddBuckets(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(json) && r.GetValue(csv))
                r.AddError("--json and --csv do not go together");
            if (r.GetValue(uploads) && !r.GetValue(json) && !r.GetValue(csv))
                r.AddError("--uploads needs --json (a JSON object per line) or --csv (a row per upload)");
        });

        command.SetAction(async (parse, ct) =>
        {
            if (!global.TryCreateServices(parse, out var services))
                return ExitCodes.Configuration;
            // Opened (not cut) now, so a bad path fails before any listing and an old page stays until the new one is ready.
            FileStream? page;
            try
            {
                page = parse.GetValue(html) is { } file ? new FileStream(file.FullName, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read) : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return await ExitCodes.FailAsync(ExitCodes.Usage, $"--html '{parse.GetValue(html)}' cannot be written: {ex.Message}");
            }
            await using var _ = page;
            var request = new ReportRequest
            {
                Buckets = parse.GetValue(buckets) ?? [],
                AllBuckets = parse.GetValue(allBuckets),
                Depth = parse.GetValue(depth),
                MinIdle = parse.GetValue(minIdle),
                Top = parse.GetValue(top),
                By = Showback.TryParse(parse.GetValue(by), out var grouping) ? grouping : ReportBy.None,
                ByTop = parse.GetValue(byTop),
            };
            if (parse.GetValue(price) is { } p)
                request = request with { PricePerGbMonth = p, PriceName = "--price-per-gb-month" };

            // On a terminal only, on stderr, so stdout stays the report.
            var live = !Console.IsErrorRedirected && !parse.GetValue(json) && !parse.GetValue(csv);
            var lastDrawn = 0L;
            IProgress<ReportProgress>? progress = live
                ? new SynchronousProgress<ReportProgress>(p =>
                {
                    var now = Environment.TickCount64;
                    if (now - Interlocked.Read(ref lastDrawn) < 200)
                        return;
                    Interlocked.Exchange(ref lastDrawn, now);
                    Console.Error.Write($"\r{p.Bucket}: {ReportUnits.Count(p.Uploads)} uploads counted\u001b[K");
                })
                : null;
            // Buckets are read concurrently: one writer at a time, and rows are never kept.
            var gate = new Lock();
            var asCsv = parse.GetValue(csv);
            if (parse.GetValue(uploads) && asCsv)
                Console.Out.Write(ReportedUpload.CsvHeader + "\r\n");
            Action<string, ReportedUpload>? rows = !parse.GetValue(uploads)
                ? null
                : (bucket, upload) =>
                {
                    var line = asCsv ? upload.CsvRow(bucket) : upload.JsonLine(bucket) + "\n";
                    lock (gate)
                        Console.Out.Write(line);
                };
            using var invocation = services.Begin(null, ct, Asker.Operator);
            var report = await services.ReportAsync(request, invocation, progress, rows);
            if (live)
                Console.Error.Write("\r\u001b[K");

            if (rows is not null)
                await Console.Out.FlushAsync(ct);
            else if (parse.GetValue(json))
                await Console.Out.WriteLineAsync(report.Json(indented: true));
            else if (parse.GetValue(csv))
                await Console.Out.WriteAsync(report.Csv());
            else
                ReportTable.Write(AnsiConsole.Console, report);
            if (page is not null)
            {
                // Rendered before the old page is cut, and written whole without the cancellation.
                var bytes = System.Text.Encoding.UTF8.GetBytes(report.Html(services.Settings));
                page.SetLength(0);
                await page.WriteAsync(bytes, CancellationToken.None);
            }
            foreach (var bucket in report.Buckets.Where(b => b.Error is not null))
                await Console.Error.WriteLineAsync($"mpa: {bucket.Bucket}: {bucket.Error}");
            foreach (var bucket in report.Buckets.Where(b => b.LifecycleError is not null && b.Error is null))
                await Console.Error.WriteLineAsync($"mpa: {bucket.Bucket}: lifecycle rules not read, coverage unknown: {bucket.LifecycleError}");
            return report.Complete ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }

    // Progress<T> would post to the thread pool, out of order.
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
