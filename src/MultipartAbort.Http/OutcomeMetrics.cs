using Prometheus;

namespace MultipartAbort.Http;

/// <summary>Its own registry, so two hosts in one process never share counters.</summary>
public sealed class OutcomeMetrics
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Dictionary<string, Counter.Child> _outcomes = new(StringComparer.Ordinal);
    private readonly Counter _requests;
    private readonly Histogram _durations;
    private readonly string _service;
    private readonly (string Name, Gauge Gauge)[] _report;
    private readonly Lock _reportGate = new();
    private HashSet<(string Bucket, string Prefix)> _reported = [];
    private readonly (string Name, Gauge Gauge)[] _showback;
    private HashSet<(string By, string Principal)> _shown = [];

    public OutcomeMetrics(Settings settings)
    {
        _service = settings.ServiceName;
        var prefix = SnakeCase(settings.MetricsNamespace);
        var factory = Metrics.WithCustomRegistry(_registry);
        // Names from the EMF writer, so the two hosts cannot drift apart.
        foreach (var (name, _) in EmfMetrics.All(new OutcomeCounts()))
        {
            var counter = factory.CreateCounter($"{prefix}_{SnakeCase(name)}_total", $"{name}: the same count as the EMF metric of that name", new CounterConfiguration { LabelNames = ["service"] });
            _outcomes[name] = counter.WithLabels(_service);
        }
        _report = EmfMetrics
            .ReportMetrics.Select(name => (name, factory.CreateGauge($"{prefix}_{SnakeCase(name)}", $"{name}: the last report's figure, as the EMF metric of that name", new GaugeConfiguration { LabelNames = ["service", "bucket", "prefix"] })))
            .ToArray();
        _showback = EmfMetrics
            .ShowbackMetrics.Select(name => (name, factory.CreateGauge($"{prefix}_{SnakeCase(name)}", $"{name}: the last complete showback report's figure per initiator or owner, as the EMF metric of that name", new GaugeConfiguration { LabelNames = ["service", "by", "principal"] })))
            .ToArray();
        _requests = factory.CreateCounter($"{prefix}_http_requests_total", "HTTP requests answered, by route and status", new CounterConfiguration { LabelNames = ["service", "route", "status"] });
        // A tick or a sweep may run up to HTTP_REQUEST_TIMEOUT.
        _durations = factory.CreateHistogram(
            $"{prefix}_http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            new HistogramConfiguration { LabelNames = ["service", "route"], Buckets = Histogram.ExponentialBuckets(0.01, 4, 8) }
        );
    }

    public void Add(InvocationResult? result)
    {
        if (result is null)
            return;
        foreach (var (name, value) in EmfMetrics.All(result.Summary))
            if (value > 0)
                _outcomes[name].Inc(value);
        if (result.Report is { } report)
        {
            Keep(report);
            KeepShowback(report);
        }
    }

    // Only a complete report with groups replaces the groups' figures, so a cut-short one never looks like uploads gone.
    private void KeepShowback(Core.Report.IncompleteUploadReport report)
    {
        if (!report.Complete || report.By == Core.Report.ReportBy.None)
            return;
        var by = Core.Report.Showback.Name(report.By);
        var now = new HashSet<(string, string)>();
        lock (_reportGate)
        {
            foreach (var group in report.MetricGroups)
            {
                var values = EmfMetrics.ShowbackFigures(report, group.Figures);
                for (var i = 0; i < _showback.Length; i++)
                    _showback[i].Gauge.WithLabels(_service, by, group.Name).Set(values[i].Value);
                now.Add((by, group.Name));
            }
            foreach (var (oldBy, principal) in _shown.Where(old => !now.Contains(old)))
                foreach (var (_, gauge) in _showback)
                    gauge.RemoveLabelled(_service, oldBy, principal);
            _shown = now;
        }
    }

    // Buckets not read in full keep their figures, so a refused listing never looks like uploads gone.
    private void Keep(Core.Report.IncompleteUploadReport report)
    {
        var now = new HashSet<(string, string)>();
        lock (_reportGate)
        {
            foreach (var (bucket, prefix, figures) in report.CellsReadInFull(EmfMetrics.TopLevelPrefix))
                Set(bucket, prefix ?? "", figures);
            var refreshed = now.Select(c => c.Item1).ToHashSet(StringComparer.Ordinal);
            foreach (var (bucket, prefix) in _reported.Where(old => refreshed.Contains(old.Bucket) && !now.Contains(old)).ToArray())
            {
                foreach (var (_, gauge) in _report)
                    gauge.RemoveLabelled(_service, bucket, prefix);
                _reported.Remove((bucket, prefix));
            }
            _reported.UnionWith(now);
        }

        void Set(string bucket, string prefix, Core.Report.Breakdown figures)
        {
            var values = EmfMetrics.Figures(report, figures);
            for (var i = 0; i < _report.Length; i++)
                _report[i].Gauge.WithLabels(_service, bucket, prefix).Set(values[i].Value);
            now.Add((bucket, prefix));
        }
    }

    /// <summary><paramref name="route"/> is null when none matched (e.g. a 404).</summary>
    public void CountRequest(string? route, int status, TimeSpan took)
    {
        _requests.WithLabels(_service, route ?? "unmatched", status.ToString(CultureInfo.InvariantCulture)).Inc();
        _durations.WithLabels(_service, route ?? "unmatched").Observe(took.TotalSeconds);
    }

    public Task WriteAsync(Stream output, CancellationToken ct) => _registry.CollectAndExportAsTextAsync(output, ct);

    // UploadsAlreadyGone → uploads_already_gone; MultipartAbort → multipart_abort.
    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                sb.Append('_');
            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }
        return sb.ToString();
    }
}
