using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Report;

namespace MultipartAbort.Tests.Report;

/// <summary>The HTML page of a report: encoded user data, nothing loaded from outside, the top bars and the totals.</summary>
public sealed partial class ReportHtmlTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static IncompleteUploadReport Report(params BucketReport[] buckets) => new(Now, TimeSpan.FromHours(1), 1, 0.023m, ReportRequest.DefaultPriceName, buckets);

    private static BucketReport Bucket(string name, params (string Key, long Bytes, TimeSpan Age)[] uploads)
    {
        var bucket = new BucketReport(name, 10) { Complete = true };
        var i = 0;
        foreach (var (key, bytes, age) in uploads)
        {
            var initiated = Now - age;
            bucket.Add(new ReportedUpload(key, $"u{i++}", initiated, null, 1, bytes, false) { Coverage = Coverage.NotCovered }, BucketReport.PrefixOf(key, 1), AgeBands.Of(initiated, Now));
        }
        return bucket;
    }

    [Fact]
    public void KeysBucketsAndErrors_AreEncoded_SoAKeyCannotAddMarkup()
    {
        const string key = "a/<script>alert(\"x\")</script>'\"&.bin";
        var good = Bucket("good", (key, 100, TimeSpan.FromDays(2)));
        var bad = new BucketReport("bad", 10) { Error = "AccessDenied: <img src=x onerror=alert(1)>" };

        var page = ReportHtml.Render(Report(good, bad), "http://127.0.0.1:9000");

        page.Should().NotContain("<script").And.NotContain("<img").And.NotContain("onerror=alert(1)>");
        page.Should().Contain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&quot;&amp;.bin", "the key is shown, encoded");
        page.Should().Contain("<li data-bucket=\"bad\"><b>bad</b>: <span class=\"error\">AccessDenied: &lt;img src=x onerror=alert(1)&gt;</span>", "a bucket not read is named with its error");
    }

    [Fact]
    public void AnUploadTheStoreReaps_IsShownAsTheStores_NotAsARule()
    {
        var bucket = new BucketReport("b", 10) { Complete = true };
        var initiated = Now - TimeSpan.FromDays(2);
        var coverage = new Coverage(CoverageState.ByStore, "MinIO stale_uploads_expiry (24 h by default)", initiated.AddHours(24));
        bucket.Add(new ReportedUpload("k", "u", initiated, null, 1, 10, false) { Coverage = coverage }, null, AgeBands.Of(initiated, Now));

        var page = ReportHtml.Render(Report(bucket), "e");

        page.Should().Contain("<td>store: MinIO stale_uploads_expiry (24 h by default)</td>").And.NotContain("rule MinIO");
        page.Should().Contain("the store reaps them");
    }

    [Fact]
    public void Showback_IsASectionOfItsOwn_WithEveryGroupsFigures_OnlyWhenAskedFor()
    {
        var bucket = new BucketReport("b", 10, ReportBy.Initiator) { Complete = true };
        var initiated = Now - TimeSpan.FromDays(2);
        var uploads = new[] { ("arn:aws:sts::123456789012:assumed-role/Builder/s1", 700L), ("arn:aws:sts::123456789012:assumed-role/Builder/s2", 300L), ("alice<b>", 50L) };
        var i = 0;
        foreach (var (who, bytes) in uploads)
            bucket.Add(new ReportedUpload($"k{i}", $"u{i++}", initiated, null, 1, bytes, false) { Initiator = new UploadPrincipal(who, null) }, null, AgeBands.Of(initiated, Now));
        var grouped = Report(bucket) with { By = ReportBy.Initiator };

        var page = ReportHtml.Render(grouped, "e");
        var plain = ReportHtml.Render(Report(Bucket("b", ("k", 5, TimeSpan.FromDays(2)))), "e");

        page.Should().Contain("<h2>Bytes by initiator, largest first</h2>").And.Contain("<svg id=\"chart-groups\"");
        page.Should().Contain("<tr data-group=\"arn:aws:iam::123456789012:role/Builder\" data-uploads=\"2\" data-bytes=\"1000\">", "two sessions of one role are one group");
        page.Should().Contain("<tr data-group=\"alice&lt;b&gt;\" data-uploads=\"1\" data-bytes=\"50\">", "a name is encoded like a key");
        plain.Should().NotContain("id=\"showback\"");
    }

    [Fact]
    public void Page_LoadsNothing_AndItsPolicyAllowsItsOneStyleBlockByHash()
    {
        var page = ReportHtml.Render(Report(Bucket("b", ("k", 5, TimeSpan.FromDays(40)))), "http://127.0.0.1:9000");

        page.Should().NotContainAny("<script", "<link", "<img", "src=", "href=", "url(", "@import");
        var style = StyleBlock().Matches(page).Should().ContainSingle().Which.Groups[1].Value;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
        page.Should().Contain($"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-{hash}'; img-src data:\">");
        page.Should().NotContain(" style=", "an inline style attribute is not allowed by a hash");
    }

    [Fact]
    public void PrefixChart_KeepsTheLargestBars_AndAddsUpTheRestUnderOther()
    {
        var uploads = Enumerable.Range(0, ReportHtml.TopBars + 5).Select(i => ($"p{i:D2}/k", (long)(1000 + i), TimeSpan.FromDays(2))).ToArray();

        var page = ReportHtml.Render(Report(Bucket("b", uploads)), "e");

        var chart = Chart().Match(page).Value;
        var labels = Label().Matches(chart).Select(m => m.Groups[1].Value).ToArray();
        labels.Should().HaveCount(ReportHtml.TopBars + 1);
        labels[0].Should().Be($"b/p{ReportHtml.TopBars + 4}/", "largest first");
        labels[^1].Should().Be("(other) 5 more");
        Regex.Matches(chart, "<rect class=\"mark\"").Should().HaveCount(ReportHtml.TopBars + 1);
        chart.Should().Contain($"(other) 5 more, bytes: {ReportUnits.Bytes(Enumerable.Range(0, 5).Sum(i => 1000L + i))}");
    }

    [Fact]
    public void Totals_CarryTheReportsFigures_InDataAttributes()
    {
        var report = Report(Bucket("a", ("x/1", 3 << 20, TimeSpan.FromHours(2)), ("y/2", 7, TimeSpan.FromDays(9))), Bucket("b", ("z", 11, TimeSpan.FromDays(31))));

        var page = ReportHtml.Render(report, "e");

        page.Should().Contain("id=\"total-uploads\" data-value=\"3\"").And.Contain("id=\"total-parts\" data-value=\"3\"")
            .And.Contain($"id=\"total-bytes\" data-value=\"{(3 << 20) + 18}\"").And.Contain("id=\"total-buckets\" data-value=\"2\"");
        page.Should().Contain("<tr data-bucket=\"a\" data-uploads=\"2\" data-bytes=\"3145735\">");
        page.Should().Contain("> 1-7d</li>").And.Contain("> 7-30d</li>").And.Contain("> &gt;30d</li>");
    }

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();

    [GeneratedRegex("<svg id=\"chart-prefixes\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Chart();

    [GeneratedRegex("text-anchor=\"end\">[^<]*<title>([^<]*)</title>")]
    private static partial Regex Label();
}
