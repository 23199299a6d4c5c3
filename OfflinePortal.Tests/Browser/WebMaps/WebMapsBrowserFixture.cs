using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.Integration.Portal;

namespace OfflinePortal.Tests.Browser.WebMaps;

/// <summary>
/// The portal on a real Kestrel port with Debian Chromium, as the portal's browser tests run it; the sample portal is
/// reached at the server's own address, so the engine and the preview proxy read it over real HTTP.
/// </summary>
public class WebMapsBrowserFixture : IAsyncLifetime
{
    public PortalAppFactory Factory { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>False runs jobs with the application's own executor (the offline engine).</summary>
    protected virtual bool UseScriptedExecutor => true;

    public async Task InitializeAsync()
    {
        Factory = new PortalAppFactory { UseRealKestrel = true, UseScriptedExecutor = UseScriptedExecutor };
        Factory.Settings["SamplePortal:HydrantCount"] = "400";
        Factory.UseKestrel(0);
        Factory.StartServer();
        BaseUrl = Factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Factory.DisposeAsync();
    }

    public async Task<IBrowserContext> NewContextAsync() =>
        await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, AcceptDownloads = true });

    public async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync(BaseUrl + "/Account/Login");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(BaseUrl + "/");
        await InteractiveAsync(page);
    }

    public async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(BaseUrl + path);
        await InteractiveAsync(page);
    }

    public static Task InteractiveAsync(IPage page) =>
        Assertions.Expect(page.Locator("#interactivity")).ToHaveAttributeAsync("data-mode", "interactive");

    /// <summary>Runs axe on the page and adds every serious or critical violation to <paramref name="failures"/>; saves a screenshot.</summary>
    public static async Task CheckAsync(IPage page, string screenshots, string name, List<string> failures)
    {
        var result = await page.RunAxe();
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            failures.Add($"{name}: {violation.Impact} {violation.Id} ({violation.Help}) at {string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html))}");
        }
        await ScreenshotAsync(page, screenshots, "axe-" + name);
    }

    public static Task ScreenshotAsync(IPage page, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public static string Screenshots(string suite) => Path.Combine(TestPaths.RepositoryRoot, "TestResults", "screenshots", suite);
}

/// <summary>The same, running jobs with the offline engine the application registers.</summary>
public sealed class EngineBrowserFixture : WebMapsBrowserFixture
{
    protected override bool UseScriptedExecutor => false;
}
