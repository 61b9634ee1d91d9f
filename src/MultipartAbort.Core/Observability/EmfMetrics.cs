namespace MultipartAbort.Core.Observability;

/// <summary>CloudWatch Embedded Metric Format: one line of counts per invocation, shaped as Powertools for .NET writes it.</summary>
public sealed class EmfMetrics(TextWriter output, string metricsNamespace, string service, TimeProvider? time = null)
{
    // Powertools for .NET's name (Python's is "service"), so .NET dashboards and alarms fit.
    public const string ServiceDimension = "Service";

    public const string UploadsAborted = "UploadsAborted";
    public const string UploadsAlreadyGone = "UploadsAlreadyGone";
    public const string UploadsActive = "UploadsActive";
    public const string PartsRemaining = "PartsRemaining";
    public const string Requeued = "Requeued";
    public const string DeadLettered = "DeadLettered";
    public const string Rejected = "Rejected";
    public const string Failed = "Failed";

    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Namespace { get; } = string.IsNullOrWhiteSpace(metricsNamespace)
        ? throw new ArgumentException("POWERTOOLS_METRICS_NAMESPACE must not be empty", nameof(metricsNamespace))
        : metricsNamespace;

    public static EmfMetrics For(Configuration.Settings settings, TextWriter output, TimeProvider? time = null) =>
        new(output, settings.MetricsNamespace, settings.ServiceName, time);

    // Zeros included: the HTTP host's Prometheus counters are these, cumulated.
    public static IReadOnlyList<KeyValuePair<string, long>> All(OutcomeCounts counts) =>
        [
            new(UploadsAborted, counts[AbortOutcome.Aborted]),
            new(UploadsAlreadyGone, counts[AbortOutcome.AlreadyGone]),
            new(UploadsActive, counts[AbortOutcome.Active]),
            new(PartsRemaining, counts.PartsRemaining),
            new(Requeued, counts[AbortOutcome.Requeued]),
            new(DeadLettered, counts[AbortOutcome.DeadLettered]),
            new(Rejected, counts[AbortOutcome.Rejected]),
            new(Failed, counts[AbortOutcome.Failed]),
        ];

    // Non-zero only, as Powertools adds only what was recorded.
    public void Flush(OutcomeCounts counts)
    {
        var metrics = All(counts).Where(m => m.Value != 0).Select(m => (m.Key, "Count", m.Value)).ToArray();
        if (metrics.Length > 0)
            Write([], metrics);
    }

    public const string IncompleteUploads = "IncompleteUploads";
    public const string IncompleteUploadParts = "IncompleteUploadParts";
    public const string IncompleteUploadBytes = "IncompleteUploadBytes";
    public const string OldestIncompleteUploadAgeSeconds = "OldestIncompleteUploadAgeSeconds";

    // Not covered, or the rules could not be read.
    public const string IncompleteUploadBytesNotCovered = "IncompleteUploadBytesNotCovered";
    public static (string Name, string Unit, long Value)[] ShowbackFigures(Report.IncompleteUploadReport report, Report.Breakdown cell) =>
        [.. Figures(report, cell).Select(f => (f.Name + "ByPrincipal", f.Unit, f.Value))];

    // A dimension value may not be empty.
    public const string TopLevelPrefix = "/";

    // Only what was read in full is written, so a refused or cut-short listing shows as missing data, not as a drop.
    public void Flush(Report.IncompleteUploadReport report)
    {
        if (report.Complete)
            Write([], Figures(report, report.Totals));
        // Over all buckets, so only from a report read in full; at most 20 groups and (other): bounded series.
        if (report.Complete && report.By != Report.ReportBy.None)
            foreach (var group in report.MetricGroups)
                Write([("By", Report.Showback.Name(report.By)), ("Principal", group.Name)], ShowbackFigures(report, group.Figures));
        foreach (var (bucket, prefix, figures) in report.CellsReadInFull(TopLevelPrefix))
            Write(prefix is null ? [("Bucket", bucket)] : [("Bucket", bucket), ("Prefix", prefix)], Figures(report, figures));
    }

    public static IReadOnlyList<string> ReportMetrics { get; } =
        [IncompleteUploads, IncompleteUploadParts, IncompleteUploadBytes, OldestIncompleteUploadAgeSeconds, IncompleteUploadBytesNotCovered];

    // Names of their own ("ByPrincipal"), so the existing series and the alarms on them never see a group.
    public static IReadOnlyList<string> ShowbackMetrics { get; } = [.. ReportMetrics.Select(n => n + "ByPrincipal")];

    public static (string Name, string Unit, long Value)[] Figures(Report.IncompleteUploadReport report, Report.Breakdown cell) =>
        [
            (IncompleteUploads, "Count", cell.Total.Uploads),
            (IncompleteUploadParts, "Count", cell.Total.Parts),
            (IncompleteUploadBytes, "Bytes", cell.Total.Bytes),
            (OldestIncompleteUploadAgeSeconds, "Seconds", cell.Total.Oldest is { } oldest ? Serialization.ReportJson.AgeSeconds(report, oldest) : 0),
            (IncompleteUploadBytesNotCovered, "Bytes", cell.BytesNotKnownCovered),
        ];

    private void Write((string Name, string Value)[] dimensions, (string Name, string Unit, long Value)[] metrics)
    {
        StructuredLogger.WriteLine(output, _gate, json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", _time.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue(ServiceDimension);
            foreach (var (name, _) in dimensions)
                json.WriteStringValue(name);
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, unit, _) in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", unit);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString(ServiceDimension, service);
            foreach (var (name, value) in dimensions)
                json.WriteString(name, value);
            foreach (var (name, _, value) in metrics)
                json.WriteNumber(name, value);
            json.WriteEndObject();
        });
    }
}
