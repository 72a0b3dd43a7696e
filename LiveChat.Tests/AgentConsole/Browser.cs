using Deque.AxeCore.Playwright;
using LiveChat.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LiveChat.Tests.AgentConsole;

/// <summary>
/// The console's tests run on their own, after the others: Chromium and the workers of their own fixtures take the CPU
/// that timing-sensitive tests (pushes within their publish timeout) need on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}

/// <summary>
/// Debian's Chromium driven by Playwright (Playwright's own browser download is not reachable here), launched once
/// for the run. LIVECHAT_CHROMIUM names another Chromium; test.sh installs the package when it is missing.
/// </summary>
public static class Browser
{
    static readonly Lazy<Task<IBrowser>> Shared = new(LaunchAsync);

    public static string ScreenshotFolder { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("LIVECHAT_TEST_RESULTS") ?? Path.Combine(LocalStack.RepoRoot, "TestResults"), "console");

    /// <summary>A page of its own (fresh storage), with the console's pt-BR locale.</summary>
    public static async Task<IPage> NewPageAsync()
    {
        var browser = await Shared.Value;
        var context = await browser.NewContextAsync(new() { Locale = "pt-BR", TimezoneId = "America/Sao_Paulo", ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        return page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png") });
    }

    /// <summary>axe-core's WCAG checks on the page as it is now: labels, roles, contrast, keyboard reachability.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0, string.Join('\n', result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html))}")));
    }

    static async Task<IBrowser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("LIVECHAT_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
            throw new InvalidOperationException($"No Chromium at {executable}: install Debian's chromium package (test.sh does) or set LIVECHAT_CHROMIUM.");
        // Not closed by hand: Playwright's driver stops the browser when the test process ends.
        var playwright = await Playwright.CreateAsync();
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable, Headless = true,
            // No calls home: this machine's network refuses them, and they would only slow the start.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }
}
