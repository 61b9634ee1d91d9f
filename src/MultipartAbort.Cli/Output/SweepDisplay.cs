using Spectre.Console.Rendering;

namespace MultipartAbort.Cli.Output;

// On stderr except the panel, as stdout is for the result; only the latest snapshot is drawn, at a steady pace.
internal abstract class SweepDisplay : IProgress<SweepProgress>
{
    private SweepProgress? _latest;

    public void Report(SweepProgress value)
    {
        if (value.Final || _latest is not { Final: true })
            Volatile.Write(ref _latest, value);
    }

    protected SweepProgress? Latest => Volatile.Read(ref _latest);

    public abstract Task RunAsync(Task work);

    public virtual void Notify(string message) => Console.Error.WriteLine($"mpa: {message}");

    public string Title { get; set; } = "";

    /// <summary>Nothing else may write to the terminal while the panel is drawn.</summary>
    public bool IsLive => this is LivePanel;

    public static SweepDisplay Create(bool json) =>
        !json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive ? new LivePanel() : new Lines(json);

    internal static string Line(SweepProgress p) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"listed {ReportUnits.Count(p.Listed)}, matched {ReportUnits.Count(p.Matched)}, done {ReportUnits.Count(p.Done)} ({Format.Rate(p.UploadsPerSecond)}/s), "
                + $"aborted {ReportUnits.Count(p.Counts[AbortOutcome.Aborted])}, already gone {ReportUnits.Count(p.Counts[AbortOutcome.AlreadyGone])}, "
                + $"would abort {ReportUnits.Count(p.Counts[AbortOutcome.WouldAbort])}, requeued {ReportUnits.Count(p.Counts[AbortOutcome.Requeued])}, "
                + $"failed {ReportUnits.Count(p.Counts[AbortOutcome.Failed] + p.Counts[AbortOutcome.DeadLettered] + p.Counts[AbortOutcome.Rejected])}, "
                + $"concurrency {ReportUnits.Count(p.Concurrency)}, elapsed {Format.Seconds(p.Elapsed.TotalSeconds)}"
        );

    private sealed class Lines(bool json) : SweepDisplay
    {
        public override async Task RunAsync(Task work)
        {
            if (!json)
                await Console.Error.WriteLineAsync($"mpa: sweeping {Title}");
            while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(2))) != work)
                if (Latest is { } p)
                    await Console.Error.WriteLineAsync(json ? Json(p) : $"mpa: {Line(p)}");
        }

        public override void Notify(string message)
        {
            if (!json)
                base.Notify(message);
            else
                Console.Error.WriteLine(
                    ResultJson.Text(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("notice", message);
                        w.WriteEndObject();
                    })
                );
        }

        private string Json(SweepProgress p) =>
            ResultJson.Text(json =>
            {
                json.WriteStartObject();
                json.WriteStartObject("progress");
                json.WriteString("sweep", Title);
                json.WriteNumber("pages", p.Pages);
                json.WriteNumber("listed", p.Listed);
                json.WriteNumber("matched", p.Matched);
                json.WriteNumber("done", p.Done);
                json.WriteNumber("inFlight", p.InFlight);
                json.WriteNumber("concurrency", p.Concurrency);
                foreach (var outcome in AbortOutcomeNames.All)
                    json.WriteNumber(outcome.ToWireName(), p.Counts[outcome]);
                json.WriteNumber("bytesReclaimed", p.Counts.BytesReclaimed);
                json.WriteNumber("elapsedSeconds", Math.Round(p.Elapsed.TotalSeconds, 3));
                json.WriteNumber("uploadsPerSecond", Math.Round(p.UploadsPerSecond, 1));
                json.WriteEndObject();
                json.WriteEndObject();
            });
    }

    // Left on screen at the end.
    private sealed class LivePanel : SweepDisplay
    {
        private volatile string? _notice;

        public override void Notify(string message) => _notice = message;

        public override async Task RunAsync(Task work)
        {
            await AnsiConsole
                .Live(Render(Latest))
                .AutoClear(false)
                .StartAsync(async ctx =>
                {
                    while (await Task.WhenAny(work, Task.Delay(200)) != work)
                    {
                        ctx.UpdateTarget(Render(Latest));
                        ctx.Refresh();
                    }
                    ctx.UpdateTarget(Render(Latest));
                    ctx.Refresh();
                });
        }

        private IRenderable Render(SweepProgress? p)
        {
            var grid = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned()).AddColumn().AddColumn(new GridColumn().RightAligned()).AddColumn().AddColumn(new GridColumn().RightAligned());
            if (p is null)
                grid.AddRow("listing…", "", "", "", "", "");
            else
            {
                var failed = p.Counts[AbortOutcome.Failed] + p.Counts[AbortOutcome.DeadLettered] + p.Counts[AbortOutcome.Rejected];
                grid.AddRow("listed", ReportUnits.Count(p.Listed), "  matched", ReportUnits.Count(p.Matched), "  in flight", ReportUnits.Count(p.InFlight));
                grid.AddRow("[green]aborted[/]", ReportUnits.Count(p.Counts[AbortOutcome.Aborted]), "  already gone", ReportUnits.Count(p.Counts[AbortOutcome.AlreadyGone]), "  would abort", ReportUnits.Count(p.Counts[AbortOutcome.WouldAbort]));
                grid.AddRow("[yellow]requeued[/]", ReportUnits.Count(p.Counts[AbortOutcome.Requeued]), failed > 0 ? "  [red]failed[/]" : "  failed", ReportUnits.Count(failed), "  bytes", ReportUnits.Bytes(p.Counts.BytesReclaimed));
                grid.AddRow("done", ReportUnits.Count(p.Done), "  rate", $"{Format.Rate(p.UploadsPerSecond)}/s", "  elapsed", Format.Seconds(p.Elapsed.TotalSeconds));
                grid.AddRow("concurrency", ReportUnits.Count(p.Concurrency), "", "", "", "");
            }
            IRenderable body = _notice is { } n ? new Rows(grid, new Markup($"[yellow]{Markup.Escape(n)}[/]")) : grid;
            return new Panel(body).Header($" {Markup.Escape(Title)} ").Border(BoxBorder.Rounded);
        }
    }
}
