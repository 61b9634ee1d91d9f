using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// The page of <c>mpa report --html</c> (the native binary, on each store) opened as a person would: in chromium, from
/// the file, every request but the file's own blocked and recorded.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class MpaReportHtmlInBrowserTests(Stores stores)
{
    private const string HostileKey = "html/<script>alert(\"x\")</script>'q.bin";

    [Theory, InBrowserOn("moto"), InBrowserOn("rgw")]
    public async Task Page_InChromium_LoadsNothing_DrawsEveryChart_AndShowsTheJsonReportsTotals(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var family = $"htm{Guid.NewGuid():N}"[..16];
        var plans = new[] { new ReportPlan($"{family}-a", 40), new ReportPlan($"{family}-b", 15) };
        await Task.WhenAll(plans.Select(p => p.SeedAsync(s3)));
        await new StoreSeeder(s3).UploadAsync(plans[0].Bucket, HostileKey, parts: 2, partSize: 4096);
        var env = store.StoreEnvironment(null);
        env["AWS_REGION"] = "us-east-1";
        env[EnvironmentVariables.AllowedBuckets] = $"{family}-*";
        var dir = Path.Combine(AppContext.BaseDirectory, "report-html", name);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "report.html");

        var run = await MpaProcess.RunAsync(env, "report", "--all-buckets", "--depth", "1", "--by", "initiator", "--json", "--html", file);

        run.ExitCode.Should().Be(0, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var totals = json.RootElement.GetProperty("report").GetProperty("totals");
        totals.GetProperty("uploads").GetInt64().Should().Be(plans.Sum(p => p.Uploads.Count) + 1, "the JSON the page is compared with covers what was seeded");

        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        var url = new Uri(file).AbsoluteUri;
        var errors = new List<string>();
        var attempted = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") lock (errors) errors.Add($"{m.Type}: {m.Text}"); };
        page.PageError += (_, e) => { lock (errors) errors.Add($"page error: {e}"); };
        page.Request += (_, r) => { if (r.Url != url) lock (attempted) attempted.Add(r.Url); };
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url == url)
                await route.ContinueAsync();
            else
                await route.AbortAsync();
        });

        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        (await page.TitleAsync()).Should().StartWith("Incomplete multipart uploads");
        foreach (var chart in new[] { "chart-ages", "chart-prefixes", "chart-groups", "chart-activity", "chart-coverage" })
        {
            var marks = page.Locator($"svg#{chart} rect.mark");
            (await marks.CountAsync()).Should().BePositive($"{chart} draws its bars");
            var box = await marks.First.BoundingBoxAsync();
            box.Should().NotBeNull($"{chart}'s first bar is laid out");
            (box!.Width * box.Height).Should().BePositive($"{chart}'s first bar has an area");
        }
        async Task<string> Value(string id) => (await page.Locator($"#{id}").GetAttributeAsync("data-value"))!;
        (await Value("total-uploads")).Should().Be(totals.GetProperty("uploads").GetInt64().ToString(CultureInfo.InvariantCulture));
        (await Value("total-parts")).Should().Be(totals.GetProperty("parts").GetInt64().ToString(CultureInfo.InvariantCulture));
        (await Value("total-bytes")).Should().Be(totals.GetProperty("bytes").GetInt64().ToString(CultureInfo.InvariantCulture));
        double.Parse(await Value("total-cost"), CultureInfo.InvariantCulture).Should().Be(totals.GetProperty("estimatedMonthlyCost").GetDouble());
        (await page.Locator("script").CountAsync()).Should().Be(0, "a key holding <script> is text, not markup");
        (await page.Locator("#largest").InnerTextAsync()).Should().Contain(HostileKey, "the key is shown as it is");
        foreach (var plan in plans)
        {
            var expected = plan.Bytes + (plan == plans[0] ? 2 * 4096 : 0);
            (await page.Locator($"#buckets tr[data-bucket='{plan.Bucket}']").GetAttributeAsync("data-bytes")).Should().Be(expected.ToString(CultureInfo.InvariantCulture));
        }

        var groups = json.RootElement.GetProperty("report").GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("group").GetString()!, g => g.GetProperty("bytes").GetInt64().ToString(CultureInfo.InvariantCulture));
        groups.Should().NotBeEmpty("the store names who started each upload");
        var rows = await page.Locator("#groups tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.group, r.dataset.bytes])");
        rows.ToDictionary(r => r[0], r => r[1]).Should().Equal(groups, "the page's showback is the JSON's, group by group");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, "report.png"), FullPage = true });
        errors.Should().BeEmpty("the page logs no error (a blocked request or a style refused by the policy would)");
        attempted.Should().BeEmpty("the page asks for nothing beyond its own file");
        response.Should().NotBeNull();
    }
}
