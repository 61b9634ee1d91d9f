using System.Globalization;
using Microsoft.Playwright;

// Loads each page given (file paths) RUNS times in one headless chromium, every request but the file blocked, and prints
// per run: the navigation's load event end and first contentful paint (ms from navigation start), as one JSON line.
var runs = int.Parse(args[0], CultureInfo.InvariantCulture);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
foreach (var path in args.Skip(1))
{
    var url = new Uri(Path.GetFullPath(path)).AbsoluteUri;
    var load = new List<double>();
    var paint = new List<double>();
    for (var r = 0; r < runs; r++)
    {
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        await page.RouteAsync("**/*", route => route.Request.Url == url ? route.ContinueAsync() : route.AbortAsync());
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Load });
        // Evaluated over the DevTools protocol: the page's own policy (no script) does not apply to it.
        var timing = await page.EvaluateAsync<double[]>(
            "() => new Promise(done => requestAnimationFrame(() => setTimeout(() => done([performance.getEntriesByType('navigation')[0].loadEventEnd, (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: -1}).startTime]), 0)))");
        load.Add(timing[0]);
        paint.Add(timing[1]);
        await page.CloseAsync();
    }
    Console.WriteLine($"{{\"page\":\"{Path.GetFileName(path)}\",\"load_ms\":[{string.Join(',', load.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))}],\"first_contentful_paint_ms\":[{string.Join(',', paint.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))}]}}");
}
