using System.Reflection;
using Microsoft.Playwright;
using MultipartAbort.Testing;
using Xunit.Sdk;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// Debian's chromium, driven by Playwright's driver (shipped in its package: nothing is downloaded). Where chromium is
/// not installed the browser tests are skipped with the install command; in CI (CI=true or REQUIRE_RGW=1) they run and fail.
/// </summary>
public static class Browser
{
    public const string Chromium = "/usr/bin/chromium";

    public static string? SkipReason { get; } =
        File.Exists(Chromium) || Environment.GetEnvironmentVariable("REQUIRE_RGW") == "1" || Environment.GetEnvironmentVariable("CI") is "true" or "1"
            ? null
            : $"{Chromium} is not installed, so the browser tests are skipped: install it with `sudo apt-get install -y chromium`";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: the browser tests need Debian's chromium (apt-get install -y chromium)");
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        return (playwright, browser);
    }
}

/// <summary>A theory row on a store (moto or rgw) that needs the browser too: skipped when either is missing (<see cref="Browser.SkipReason"/>, <see cref="RgwServer.SkipReason"/>).</summary>
public sealed class InBrowserOnAttribute : DataAttribute
{
    private readonly string _store;

    public InBrowserOnAttribute(string store)
    {
        _store = store;
        Skip = (store == "rgw" ? RgwServer.SkipReason : null) ?? Browser.SkipReason!;
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[_store]];
}
