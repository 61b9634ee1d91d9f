using System.Net;
using System.Security.Cryptography;

namespace MultipartAbort.Core.Report;

/// <summary>A report as one self-contained page (inline SVG, one hashed style, no script) that works from <c>file://</c>; all user data is HTML-encoded.</summary>
internal static class ReportHtml
{
    public const int TopBars = 20;

    public const int TopUploads = 20;

    // Okabe-Ito: told apart with every common colour-vision deficiency.
    private const string Orange = "#E69F00", SkyBlue = "#56B4E9", Green = "#009E73", Blue = "#0072B2", Vermillion = "#D55E00", Purple = "#CC79A7", Grey = "#999999";

    // One line ending whatever the checkout's: the browser hashes the block as it parses it (CR LF read as LF).
    private static readonly string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111;background:#fff;max-width:1100px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
        .meta{color:#444;margin:0 0 16px}.meta span{display:inline-block;margin-right:16px}
        .totals{display:flex;flex-wrap:wrap;gap:12px;margin:0;padding:0}
        .totals div{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:130px}
        .totals dt{color:#555;font-size:12px}.totals dd{margin:0;font-size:20px;font-weight:600}
        table{border-collapse:collapse;width:100%;margin:4px 0}th,td{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.k{word-break:break-all;font-family:ui-monospace,monospace;font-size:12px}
        .error{color:#a00}.warn{color:#8a5a00}
        .legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:14px}
        svg text{font:12px system-ui,sans-serif;fill:#111}
        footer{margin-top:28px;color:#555;font-size:12px}
        @media print{body{margin:0;max-width:none;font-size:11px}section,table,svg{break-inside:avoid}h2{break-after:avoid}.totals div{border-color:#000}}
        """.ReplaceLineEndings("\n");

    // Nothing may load; the one style block is allowed by its hash.
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; img-src data:";

    // In AgeBand's order, youngest first.
    private static readonly (string Name, string Colour)[] BandSeries = [.. AgeBands.All.Zip([SkyBlue, Green, Orange, Vermillion, Grey], (band, colour) => (band.Name(), colour))];

    public static string Render(IncompleteUploadReport report, string endpoint)
    {
        var totals = report.Totals;
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<title>Incomplete multipart uploads, ").Append(E(Rfc3339.Format(report.At))).Append("</title>")
            .Append("<style>").Append(Style).Append("</style></head><body>\n");

        html.Append("<h1>Incomplete multipart uploads</h1><p class=\"meta\">")
            .Append("<span>taken <time id=\"taken\" datetime=\"").Append(E(Rfc3339.Format(report.At))).Append("\">").Append(E(report.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(" UTC</time></span>")
            .Append("<span>endpoint <b id=\"endpoint\">").Append(E(endpoint)).Append("</b></span>")
            .Append("<span>price <b id=\"price\">$").Append(report.PricePerGbMonth.ToString(CultureInfo.InvariantCulture)).Append(" per GB-month</b> (").Append(E(report.PriceName)).Append(")</span>")
            .Append("<span>active: a part within MIN_IDLE ").Append(E(IsoDuration.Format(report.MinIdle))).Append("</span>")
            .Append(report.Complete ? "<span id=\"complete\" data-value=\"true\">every bucket read in full</span>" : "<span id=\"complete\" data-value=\"false\" class=\"error\">not every bucket was read in full: see below</span>")
            .Append("</p>\n");

        html.Append("<dl class=\"totals\">");
        Total(html, "total-buckets", "buckets", report.Buckets.Count, Count(report.Buckets.Count));
        Total(html, "total-uploads", "uploads", totals.Total.Uploads, Count(totals.Total.Uploads));
        Total(html, "total-parts", "parts", totals.Total.Parts, Count(totals.Total.Parts));
        Total(html, "total-bytes", "size", totals.Total.Bytes, ReportUnits.Bytes(totals.Total.Bytes));
        var cost = totals.Total.MonthlyCost(report.PricePerGbMonth);
        html.Append("<div><dt>est. per month</dt><dd id=\"total-cost\" data-value=\"").Append(cost.ToString("R", CultureInfo.InvariantCulture)).Append("\">$")
            .Append(cost.ToString("0.00", CultureInfo.InvariantCulture)).Append("</dd></div>");
        Total(html, "total-not-covered", "no rule reaps", totals.BytesNotKnownCovered, ReportUnits.Bytes(totals.BytesNotKnownCovered));
        html.Append("</dl>\n");

        Problems(html, report);

        var buckets = report.Buckets.Select(b => (Label: b.Bucket, Cell: b.Overall)).OrderByDescending(b => b.Cell.Total.Bytes).ThenBy(b => b.Label, StringComparer.Ordinal).ToArray();
        var bands = totals.Ages.Select(a => a.Band).ToArray();
        Chart(html, "Bytes by age, per bucket", "chart-ages", "Bytes by age since initiated, per bucket",
            Top(buckets, c => bands.Select(b => c.Bands[(int)b].Bytes).ToArray()), [.. bands.Select(b => BandSeries[(int)b])], perRow: false, ReportUnits.Bytes);

        var cells = report.Depth > 0
            ? report.Buckets.SelectMany(b => b.Prefixes.Select(p => (Label: $"{b.Bucket}/{(p.Key.Length == 0 ? "(top level)" : p.Key)}", Cell: p.Value)))
            : buckets;
        Chart(html, $"Bytes by {(report.Depth > 0 ? "bucket and prefix" : "bucket")}, largest first", "chart-prefixes", "Bytes by bucket or prefix",
            Top(cells.OrderByDescending(c => c.Cell.Total.Bytes).ThenBy(c => c.Label, StringComparer.Ordinal).ToArray(), c => [c.Total.Bytes]), [("bytes", Blue)], perRow: false, ReportUnits.Bytes);

        if (report.Groups is { Count: > 0 } groups)
        {
            var by = report.By.Name();
            html.Append("<section id=\"showback\"><h2>Bytes by ").Append(by).Append(", largest first</h2>");
            Chart(html, null, "chart-groups", $"Bytes by {by}", [.. groups.Select(g => (g.Name, new[] { g.Figures.Total.Bytes }))], [("bytes", Blue)], perRow: false, ReportUnits.Bytes);
            FiguresTable(html, report, "groups", by, groups.Select(g => (g.Name, g.Figures, (string?)null)));
            html.Append("</section>\n");
        }

        Chart(html, "Active or idle", "chart-activity", "Share of uploads and bytes active or idle",
            [("bytes", [totals.Active.Bytes, totals.Idle.Bytes]), ("uploads", [totals.Active.Uploads, totals.Idle.Uploads])],
            [($"active (a part within {IsoDuration.Format(report.MinIdle)})", Blue), ("idle", Vermillion)], perRow: true, Count);

        Chart(html, "Lifecycle coverage", "chart-coverage", "Share of uploads and bytes an AbortIncompleteMultipartUpload rule reaps",
            [
                ("bytes", [totals.Covered.Bytes, totals.ReapedByStore.Bytes, totals.NotCovered.Bytes, totals.CoverageUnknown.Bytes]),
                ("uploads", [totals.Covered.Uploads, totals.ReapedByStore.Uploads, totals.NotCovered.Uploads, totals.CoverageUnknown.Uploads]),
            ],
            [("a rule reaps them", Green), ("the store reaps them", SkyBlue), ("no rule reaps them", Vermillion), ("unknown (rules not read)", Purple)], perRow: true, Count);

        html.Append("<section><h2>Per bucket</h2>");
        FiguresTable(html, report, "buckets", "bucket", report.Buckets.Select(b => (b.Bucket, b.Overall, b.Error)));
        html.Append("</section>\n");
        var named = report.Buckets.SelectMany(b => b.Largest.Select(u => (b.Bucket, Upload: u))).OrderByDescending(x => x.Upload.Bytes).ThenBy(x => x.Upload.Key, StringComparer.Ordinal).Take(TopUploads);
        UploadTable(html, report, "largest", "Largest uploads", named);
        var oldest = report.Buckets.SelectMany(b => b.Oldest.Select(u => (b.Bucket, Upload: u))).OrderBy(x => x.Upload.Initiated).ThenBy(x => x.Upload.Key, StringComparer.Ordinal).Take(TopUploads);
        UploadTable(html, report, "oldest", "Oldest uploads", oldest);

        html.Append("<footer>Cost estimated at $").Append(report.PricePerGbMonth.ToString(CultureInfo.InvariantCulture)).Append(" per GB-month (").Append(E(report.PriceName))
            .Append("). Active: a part landed (or, with none, the upload began) within MIN_IDLE. No rule reaps: no enabled AbortIncompleteMultipartUpload lifecycle rule covers the upload, or its bucket's rules could not be read. This page names keys: share it as you would the bucket listing.</footer>\n")
            .Append("</body></html>\n");
        return html.ToString();
    }

    // Without any user part.
    public static string EndpointName(Settings settings) =>
        settings.CosEndpoint is { } e ? $"{e.Scheme}://{e.Host}{(e.IsDefaultPort ? "" : ":" + e.Port.ToString(CultureInfo.InvariantCulture))}{e.AbsolutePath.TrimEnd('/')}" : "AWS S3 (the SDK's endpoint for the region)";

    private static void Total(StringBuilder html, string id, string label, long value, string shown) =>
        html.Append("<div><dt>").Append(label).Append("</dt><dd id=\"").Append(id).Append("\" data-value=\"").Append(value.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(E(shown)).Append("</dd></div>");

    private static void Problems(StringBuilder html, IncompleteUploadReport report)
    {
        var unread = report.Buckets.Where(b => b.Error is not null || b.LifecycleError is not null || !b.Complete).ToArray();
        if (unread.Length == 0)
            return;
        html.Append("<section id=\"problems\"><h2>Not read in full</h2><ul>");
        foreach (var b in unread)
        {
            html.Append("<li data-bucket=\"").Append(E(b.Bucket)).Append("\"><b>").Append(E(b.Bucket)).Append("</b>: ");
            if (b.Error is not null)
                html.Append("<span class=\"error\">").Append(E(b.Error)).Append("</span>");
            else if (!b.Complete)
                html.Append("<span class=\"error\">not listed to the end; its figures cover what was listed</span>");
            if (b.LifecycleError is not null)
                html.Append(" <span class=\"warn\">lifecycle rules not read, coverage unknown: ").Append(E(b.LifecycleError)).Append("</span>");
            html.Append("</li>");
        }
        html.Append("</ul></section>\n");
    }

    private static (string Label, long[] Values)[] Top(IReadOnlyList<(string Label, Breakdown Cell)> rows, Func<Breakdown, long[]> values)
    {
        var kept = rows.Take(TopBars).Select(r => (r.Label, values(r.Cell))).ToList();
        if (rows.Count > TopBars)
        {
            var rest = rows.Skip(TopBars).Select(r => values(r.Cell)).ToArray();
            kept.Add(($"{BucketReport.OtherPrefixes} {rest.Length} more", [.. Enumerable.Range(0, rest[0].Length).Select(i => rest.Sum(v => v[i]))]));
        }
        return [.. kept];
    }

    // Stacked bars to the largest row's sum, or each to its own (perRow, shares); in a section of its own under a heading.
    private static void Chart(StringBuilder html, string? heading, string id, string title, IReadOnlyList<(string Label, long[] Values)> rows, (string Name, string Colour)[] series, bool perRow, Func<long, string> unit)
    {
        const int labelWidth = 260, barWidth = 520, rowHeight = 22, width = labelWidth + barWidth + 120;
        var height = Math.Max(1, rows.Count) * rowHeight + 4;
        var max = rows.Count == 0 ? 0 : rows.Max(r => r.Values.Sum());
        if (heading is not null)
            html.Append("<section><h2>").Append(heading).Append("</h2>");
        html.Append("<svg id=\"").Append(id).Append("\" role=\"img\" aria-label=\"").Append(E(title)).Append("\" width=\"").Append(width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        if (max == 0)
            html.Append("<text x=\"0\" y=\"16\">No incomplete uploads.</text>");
        for (var r = 0; r < rows.Count; r++)
        {
            var (label, values) = rows[r];
            var y = r * rowHeight + 2;
            var sum = values.Sum();
            var scale = perRow ? sum : max;
            html.Append("<text x=\"").Append(labelWidth - 6).Append("\" y=\"").Append(y + 14).Append("\" text-anchor=\"end\">").Append(E(Shorten(label))).Append("<title>").Append(E(label)).Append("</title></text>");
            double x = labelWidth;
            for (var s = 0; s < values.Length; s++)
            {
                if (values[s] <= 0 || scale <= 0)
                    continue;
                // A mark stays visible however small its share.
                var w = Math.Max(1.0, values[s] * (double)barWidth / scale);
                html.Append("<rect class=\"mark\" x=\"").Append(Px(x)).Append("\" y=\"").Append(y).Append("\" width=\"").Append(Px(w)).Append("\" height=\"").Append(rowHeight - 4)
                    .Append("\" fill=\"").Append(series[s].Colour).Append("\"><title>").Append(E(label)).Append(", ").Append(E(series[s].Name)).Append(": ").Append(E(unit(values[s])))
                    .Append(perRow ? $" ({(100.0 * values[s] / sum).ToString("0.#", CultureInfo.InvariantCulture)}%)" : "").Append("</title></rect>");
                x += w;
            }
            var shown = perRow ? string.Join(" / ", values.Select(v => sum == 0 ? "0%" : (100.0 * v / sum).ToString("0", CultureInfo.InvariantCulture) + "%")) : unit(sum);
            html.Append("<text x=\"").Append(Px(Math.Min(x, labelWidth + barWidth) + 6)).Append("\" y=\"").Append(y + 14).Append("\">").Append(E(shown)).Append("</text>");
        }
        html.Append("</svg>");
        if (series.Length > 1)
        {
            html.Append("<ul class=\"legend\">");
            foreach (var (name, colour) in series)
                html.Append("<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"").Append(colour).Append("\"/></svg> ").Append(E(name)).Append("</li>");
            html.Append("</ul>");
        }
        if (heading is not null)
            html.Append("</section>\n");
    }

    // Buckets (with an active column) or showback groups (their names set as keys).
    private static void FiguresTable(StringBuilder html, IncompleteUploadReport report, string id, string by, IEnumerable<(string Name, Breakdown Figures, string? Error)> rows)
    {
        var buckets = id == "buckets";
        html.Append("<table id=\"").Append(id).Append("\"><thead><tr><th>").Append(E(by)).Append("</th><th class=\"n\">uploads</th><th class=\"n\">parts</th><th class=\"n\">size</th><th class=\"n\">oldest</th>")
            .Append(buckets ? "<th class=\"n\">active</th>" : "").Append("<th class=\"n\">no rule reaps</th><th class=\"n\">est. per month</th></tr></thead><tbody>");
        foreach (var (name, f, error) in rows)
        {
            html.Append(buckets ? "<tr data-bucket=\"" : "<tr data-group=\"").Append(E(name)).Append("\" data-uploads=\"").Append(f.Total.Uploads.ToString(CultureInfo.InvariantCulture))
                .Append("\" data-bytes=\"").Append(f.Total.Bytes.ToString(CultureInfo.InvariantCulture)).Append(buckets ? "\"><td>" : "\"><td class=\"k\">").Append(E(name));
            if (error is not null)
                html.Append(" <span class=\"error\">(not read in full)</span>");
            html.Append("</td><td class=\"n\">").Append(Count(f.Total.Uploads)).Append("</td><td class=\"n\">").Append(Count(f.Total.Parts))
                .Append("</td><td class=\"n\">").Append(ReportUnits.Bytes(f.Total.Bytes)).Append("</td><td class=\"n\">").Append(E(ReportUnits.Age(report.At, f.Total.Oldest)));
            if (buckets)
                html.Append("</td><td class=\"n\">").Append(Count(f.Active.Uploads));
            html.Append("</td><td class=\"n\">").Append(ReportUnits.Bytes(f.BytesNotKnownCovered))
                .Append("</td><td class=\"n\">$").Append(f.Total.MonthlyCost(report.PricePerGbMonth).ToString("0.00", CultureInfo.InvariantCulture)).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
    }

    private static void UploadTable(StringBuilder html, IncompleteUploadReport report, string id, string title, IEnumerable<(string Bucket, ReportedUpload Upload)> uploads)
    {
        var rows = uploads.ToArray();
        if (rows.Length == 0)
            return;
        html.Append("<section><h2>").Append(title).Append("</h2><table id=\"").Append(id).Append("\"><thead><tr><th>bucket</th><th>key</th><th class=\"n\">parts</th><th class=\"n\">size</th>")
            .Append("<th class=\"n\">age</th><th class=\"n\">last part</th><th>state</th><th>lifecycle</th></tr></thead><tbody>");
        foreach (var (bucket, u) in rows)
            html.Append("<tr><td>").Append(E(bucket)).Append("</td><td class=\"k\">").Append(E(u.Key)).Append("</td><td class=\"n\">").Append(Count(u.Parts))
                .Append("</td><td class=\"n\">").Append(ReportUnits.Bytes(u.Bytes)).Append("</td><td class=\"n\">").Append(E(ReportUnits.Age(report.At, u.Initiated)))
                .Append("</td><td class=\"n\">").Append(u.NewestPart is null ? "-" : E(ReportUnits.Age(report.At, u.NewestPart) + " ago")).Append("</td><td>").Append(u.Active ? "active" : "idle")
                .Append("</td><td>").Append(E(u.Coverage.State switch
                {
                    CoverageState.Covered => $"rule {u.Coverage.CoveredBy}",
                    CoverageState.ByStore => $"store: {u.Coverage.CoveredBy}",
                    _ => u.Coverage.Name,
                })).Append("</td></tr>");
        html.Append("</tbody></table></section>\n");
    }

    private static string Shorten(string label) => label.Length <= 40 ? label : string.Concat(label.AsSpan(0, 39), "…");

    private static string Px(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Count(long n) => ReportUnits.Count(n);

    // Quotes included, for attribute values.
    private static string E(string text) => WebUtility.HtmlEncode(text);
}
