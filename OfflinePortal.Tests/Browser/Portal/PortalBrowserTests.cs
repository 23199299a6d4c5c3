using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.Integration.Portal;

namespace OfflinePortal.Tests.Browser.Portal;

/// <summary>The portal on a real Kestrel port in Debian Chromium: sign in, create a crew, draw an area, accessibility.</summary>
public sealed class PortalBrowserTests : IAsyncLifetime
{
    private static readonly string Screenshots = Path.Combine(TestPaths.RepositoryRoot, "TestResults", "screenshots", "portal");
    private PortalAppFactory _factory = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        _factory = new PortalAppFactory();
        _factory.UseKestrel(0);
        _factory.StartServer();
        _baseUrl = _factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Supervisor_SignsIn_CreatesCrew_DrawsAreaWithGeoman_SeesItListed()
    {
        var supervisor = await _factory.UserAsync(PortalRoles.Supervisor);
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, supervisor.Email, supervisor.Password);
        await Assertions.Expect(page.Locator("#signed-in-user")).ToHaveTextAsync(supervisor.DisplayName);

        await GotoAsync(page, "/crews");
        await page.Locator("input#crew-name, #crew-name input").First.FillAsync("North crew");
        await page.ClickAsync("#crew-save");
        await Assertions.Expect(page.Locator("#crews-table")).ToContainTextAsync("North crew");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "crews.png"), FullPage = true });

        await GotoAsync(page, "/areas/new");
        await page.Locator("input#area-name, #area-name input").First.FillAsync("Harbour district");
        await page.Locator("input#area-webmap, #area-webmap input").First.FillAsync("webmap-harbour");
        var map = page.Locator("#area-map");
        await Assertions.Expect(page.Locator("#area-map .leaflet-pm-icon-rectangle")).ToBeVisibleAsync();
        await page.Locator("#area-map .leaflet-pm-icon-rectangle").ClickAsync();
        var box = (await map.BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width * 0.4f, box.Y + box.Height * 0.4f);
        await page.Mouse.MoveAsync(box.X + box.Width * 0.6f, box.Y + box.Height * 0.6f, new MouseMoveOptions { Steps = 5 });
        await page.Mouse.ClickAsync(box.X + box.Width * 0.6f, box.Y + box.Height * 0.6f);
        await Assertions.Expect(page.Locator("#area-geometry-ok")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "area-drawn.png"), FullPage = true });
        await page.ClickAsync("#area-save");

        await page.WaitForURLAsync(_baseUrl + "/areas");
        await Assertions.Expect(page.Locator("#areas-table")).ToContainTextAsync("Harbour district");
        await Assertions.Expect(page.Locator("#areas-table")).ToContainTextAsync("webmap-harbour");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "areas.png"), FullPage = true });

        await using var db = await _factory.Db.CreateDbContextAsync();
        var area = await db.Areas.SingleAsync(a => a.Name == "Harbour district");
        Assert.StartsWith("{\"type\":\"Polygon\"", area.GeoJson, StringComparison.Ordinal);
        Assert.True(area.MaxX > area.MinX && area.MaxY > area.MinY, "the drawn rectangle has an extent");
    }

    [Fact]
    public async Task EveryPortalPage_HasNoSeriousOrCriticalAccessibilityViolation()
    {
        var jobId = await AddFinishedJobAsync();
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        var failures = new List<string>();

        await page.GotoAsync(_baseUrl + "/Account/Login");
        await CheckAsync(page, "login", failures);
        await SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        string[] pages = ["/", "/crews", "/areas", "/areas/new", "/jobs", $"/jobs/{jobId}", "/audit", "/api-keys", "/admin/users", "/admin/connection", "/admin/retention"];
        foreach (var path in pages)
        {
            await GotoAsync(page, path);
            await CheckAsync(page, path, failures);
        }
        await page.GotoAsync(_baseUrl + "/Account/ChangePassword");
        await CheckAsync(page, "change-password", failures);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private async Task CheckAsync(IPage page, string name, List<string> failures)
    {
        var result = await page.RunAxe();
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            failures.Add($"{name}: {violation.Impact} {violation.Id} ({violation.Help}) at {string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html))}");
        }
        var file = name.Trim('/').Replace('/', '-');
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "axe-" + (file.Length == 0 ? "home" : file) + ".png"), FullPage = true });
    }

    private async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync(_baseUrl + "/Account/Login");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(_baseUrl + "/");
        await Assertions.Expect(page.Locator("#interactivity")).ToHaveAttributeAsync("data-mode", "interactive");
    }

    private async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(_baseUrl + path);
        await Assertions.Expect(page.Locator("#interactivity")).ToHaveAttributeAsync("data-mode", "interactive");
    }

    private async Task<Guid> AddFinishedJobAsync()
    {
        var id = Guid.NewGuid();
        await using var db = await _factory.Db.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        db.Jobs.Add(new Job
        {
            Id = id, CreatedByUserId = "someone", CreatedByName = "Sam Supervisor", CreatedUtc = now.AddMinutes(-3), StartedUtc = now.AddMinutes(-2),
            FinishedUtc = now, DurationSeconds = 120, WebMapId = "webmap-1", WebMapTitle = "Water network", AreaName = "Dunes",
            AreaGeoJson = PortalTestData.SquareGeoJson, CrewName = "South crew", State = JobState.SucceededWithErrors, Error = "1 layer failed",
            ParametersJson = """{"maxScale":1000}""",
            Layers = [new JobLayerResult { LayerId = "0", Title = "Hydrants", Kind = "feature-layer", Status = LayerResultStatus.Offline, FeatureCount = 10, Bytes = 2048 },
                      new JobLayerResult { LayerId = "1", Title = "Traffic", Kind = "map-image", Status = LayerResultStatus.OnlineOnly, Error = "not sync-enabled" }],
        });
        db.JobLogEntries.Add(new JobLogEntry { JobId = id, Sequence = 1, TimestampUtc = now, Message = "Job finished with errors." });
        await db.SaveChangesAsync();
        return id;
    }
}
