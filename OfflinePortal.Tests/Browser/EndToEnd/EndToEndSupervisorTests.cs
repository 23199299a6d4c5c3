using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Persistence;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Browser.WebMaps;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Browser.EndToEnd;

/// <summary>
/// What a new supervisor does, in Chromium against the real portal and its offline engine: sign in, find the hydrant
/// web map, read what can go offline, draw an area with geoman, choose a scale range and an attachments workflow, read
/// the estimate, start the job, watch it finish live, download the package (every GeoPackage passes GDAL's
/// validate_gpkg) and find the job in the audit. Every page is screenshotted and checked with axe.
/// </summary>
public sealed partial class EndToEndSupervisorTests(EngineBrowserFixture portal) : IClassFixture<EngineBrowserFixture>
{
    private static readonly string Screenshots = WebMapsBrowserFixture.Screenshots("end-to-end");

    [Fact]
    public async Task NewSupervisor_FindsAMap_DrawsAnArea_StartsAJob_WatchesIt_DownloadsAValidPackage_FindsItInTheAudit()
    {
        var supervisor = await portal.Factory.UserAsync(PortalRoles.Supervisor);
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var axe = new List<string>();
        var step = 0;
        async Task ShotAsync(string name) => await WebMapsBrowserFixture.ScreenshotAsync(page, Screenshots, $"{++step:00}-{name}");

        // 1. Sign in; the home page leads to the web maps.
        await portal.SignInAsync(page, supervisor.Email, supervisor.Password);
        await ShotAsync("home");

        // 2. Find the web map.
        await page.FillAsync("#home-webmap-search", "Hydrant");
        await page.ClickAsync("#home-webmap-go");
        await WebMapsBrowserFixture.InteractiveAsync(page);
        var card = page.Locator(".webmap-card").Filter(new() { HasText = "Hydrant Maintenance" });
        await Assertions.Expect(card).ToHaveCountAsync(1);
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, $"{++step:00}-webmaps", axe);
        await card.Locator("a").First.ClickAsync();

        // 3. Read its capability report.
        await page.WaitForURLAsync($"{portal.BaseUrl}/webmaps/{SampleItemIds.HydrantMaintenanceMap}");
        await Assertions.Expect(page.Locator("#capability-report tbody tr")).ToHaveCountAsync(6, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#capability-report-summary")).ToHaveTextAsync("6 of 6 go offline, 0 stay online, 0 cannot be used.");
        await Assertions.Expect(page.Locator("#webmap-preview")).ToHaveAttributeAsync("data-layers-loaded", "5", new() { Timeout = 30_000 });
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, $"{++step:00}-webmap", axe);

        // 4. Draw an area for the map with geoman's rectangle tool.
        await page.ClickAsync("#webmap-new-area");
        await page.WaitForURLAsync(new Regex("/areas/new\\?webMap="));
        await WebMapsBrowserFixture.InteractiveAsync(page);
        var areaName = "Harbour hydrants " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("input#area-name, #area-name input").First.FillAsync(areaName);
        await Assertions.Expect(page.Locator("input#area-webmap, #area-webmap input").First).ToHaveValueAsync(SampleItemIds.HydrantMaintenanceMap);
        await Assertions.Expect(page.Locator("#area-map .leaflet-pm-icon-rectangle")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#area-map .leaflet-tile-loaded").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Locator("#area-map .leaflet-pm-icon-rectangle").ClickAsync();
        var box = (await page.Locator("#area-map").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width * 0.42f, box.Y + box.Height * 0.42f);
        await page.Mouse.MoveAsync(box.X + box.Width * 0.58f, box.Y + box.Height * 0.58f, new MouseMoveOptions { Steps = 5 });
        await page.Mouse.ClickAsync(box.X + box.Width * 0.58f, box.Y + box.Height * 0.58f);
        await Assertions.Expect(page.Locator("#area-geometry-ok")).ToBeVisibleAsync();
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, $"{++step:00}-area", axe);
        await page.ClickAsync("#area-save");

        // 5. Back on the web map, the area is listed with "New job".
        await page.WaitForURLAsync($"{portal.BaseUrl}/webmaps/{SampleItemIds.HydrantMaintenanceMap}");
        var row = page.Locator("#webmap-areas tbody tr").Filter(new() { HasText = areaName });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await row.Locator("[data-new-job-area]").ClickAsync();

        // 6. Choose the options: levels 13 (town) to 15 (neighbourhood), and workflow 4 (no attachments, upload new ones).
        await page.WaitForURLAsync(new Regex("/areas/\\d+/jobs/new$"));
        await WebMapsBrowserFixture.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("#estimate-total-tiles")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.Locator("tr[data-level='13'] input.scale-min").CheckAsync();
        await page.Locator("tr[data-level='15'] input.scale-max").CheckAsync();
        await page.Locator("[data-workflow='NoneUpload'] label").ClickAsync();

        // 7. The estimate follows: three levels, features counted, nothing over a limit; Start is enabled.
        await Assertions.Expect(page.Locator(".estimate-tile-layer tbody tr")).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#job-start")).ToBeEnabledAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#estimate-violations")).ToHaveCountAsync(0);
        Assert.NotEqual("0", (await page.Locator("#estimate-total-features").TextContentAsync())?.Trim());
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, $"{++step:00}-new-job", axe);

        // 8. Start, and watch the job reach its end without reloading the page.
        await page.ClickAsync("#job-start");
        await page.WaitForURLAsync(new Regex("/jobs/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
        var jobId = Guid.Parse(page.Url[^36..]);
        await WebMapsBrowserFixture.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Job for " + areaName);
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await ShotAsync("job-started");
        await Assertions.Expect(page.Locator(".job-state").First).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 180_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the job page updated live, without a reload");
        await Assertions.Expect(page.Locator("#job-download")).ToBeVisibleAsync();
        // No "your job finished" notice on the job's own page (it shows the outcome); Download is clicked straight away below.
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, $"{++step:00}-job-finished", axe);

        await using (var db = await portal.Factory.Db.CreateDbContextAsync())
        {
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.Equal(JobState.Succeeded, job.State);
            Assert.Equal(areaName, job.AreaName);
            var stored = OfflineJson.DeserializeParameters(job.ParametersJson);
            Assert.Equal(AttachmentWorkflow.NoneUpload, OfflineParameterChoices.Workflow(stored));
            Assert.Equal([13, 14, 15], OfflineJson.DeserializeOverrides(job.OverridesJson!).ExportTileCacheParameters.Single().Value.LevelIds);
        }

        // 9. Download the package, unzip it, and validate every GeoPackage with GDAL.
        var folder = TestPaths.NewTempDirectory("e2e-package");
        try
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#job-download"));
            var zip = Path.Combine(folder, download.SuggestedFilename);
            await download.SaveAsAsync(zip);
            Assert.EndsWith(".zip", zip, StringComparison.Ordinal);
            var unzipped = Path.Combine(folder, "package");
            ZipFile.ExtractToDirectory(zip, unzipped);
            Assert.True(File.Exists(Path.Combine(unzipped, "package.json")), "the package has its manifest");
            var geoPackages = Directory.GetFiles(unzipped, "*.gpkg", SearchOption.AllDirectories);
            Assert.True(geoPackages.Length >= 3, $"features (two services) and tiles: {string.Join(", ", geoPackages.Select(Path.GetFileName))}");
            foreach (var gpkg in geoPackages)
            {
                GdalTools.AssertValidGeoPackage(gpkg);
            }
        }
        finally
        {
            TestPaths.DeleteQuietly(folder);
        }

        // 10. Find the job in the audit.
        await portal.GotoAsync(page, "/audit");
        await page.Locator("input#filter-text, #filter-text input").First.FillAsync(areaName);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync(areaName, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("Hydrant Maintenance");
        await ShotAsync("audit");

        Assert.True(axe.Count == 0, string.Join(Environment.NewLine, axe));
    }
}
