using Microsoft.Playwright;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
using OfflinePortal.SamplePortal.Portal;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Tests.Integration.Portal;

namespace OfflinePortal.Tests.Browser.WebMaps;

/// <summary>The web map pages in Chromium: the list with thumbnails and paging, the preview through the proxy, accessibility.</summary>
public sealed class WebMapsBrowserTests(WebMapsBrowserFixture portal) : IClassFixture<WebMapsBrowserFixture>
{
    private static readonly string Screenshots = WebMapsBrowserFixture.Screenshots("webmaps");

    [Fact]
    public async Task WebMapsList_SearchesSortsAndPages_WithThumbnails()
    {
        var auditor = await portal.Factory.UserAsync(PortalRoles.Auditor);
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await portal.SignInAsync(page, auditor.Email, auditor.Password);

        await page.FillAsync("#home-webmap-search", "Hydrant");
        await page.ClickAsync("#home-webmap-go");
        await page.WaitForURLAsync(portal.BaseUrl + "/webmaps?q=Hydrant");
        await WebMapsBrowserFixture.InteractiveAsync(page);
        await Assertions.Expect(page.Locator(".webmap-card")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".webmap-card")).ToContainTextAsync("Hydrant Maintenance");
        await Assertions.Expect(page.Locator(".webmap-card")).ToContainTextAsync("by sampleadmin");
        // The thumbnail really loaded (through the portal's thumbnail endpoint).
        await Assertions.Expect(page.Locator(".webmap-card img.webmap-thumbnail")).ToHaveJSPropertyAsync("naturalWidth", 200);

        await page.Locator("#webmaps-text").FillAsync("");
        await page.ClickAsync("#webmaps-search");
        await Assertions.Expect(page.Locator("#webmaps-count")).ToHaveTextAsync("Web maps 1–4 of 4.");
        await Assertions.Expect(page.Locator("#webmaps-next")).ToBeDisabledAsync();
        await WebMapsBrowserFixture.ScreenshotAsync(page, Screenshots, "webmaps");
    }

    [Fact]
    public async Task WebMapPage_DrawsThePreviewThroughTheProxy_AndListsCapabilities()
    {
        var supervisor = await portal.Factory.UserAsync(PortalRoles.Supervisor);
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var proxied = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/proxy?", StringComparison.Ordinal))
            {
                lock (proxied)
                {
                    proxied.Add(request.Url);
                }
            }
        };
        await portal.SignInAsync(page, supervisor.Email, supervisor.Password);
        await portal.GotoAsync(page, $"/webmaps/{SampleItemIds.HydrantMaintenanceMap}");

        await Assertions.Expect(page.Locator("#webmap-title")).ToHaveTextAsync("Hydrant Maintenance");
        await Assertions.Expect(page.Locator("#webmap-layer-tree [data-section='layers'] > li")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#webmap-layer-tree [data-section='tables']")).ToContainTextAsync("Inspections");
        await Assertions.Expect(page.Locator("#webmap-layer-tree [data-section='basemap']")).ToContainTextAsync("Ashland Basemap");
        await Assertions.Expect(page.Locator("#capability-report tbody tr")).ToHaveCountAsync(6);
        await Assertions.Expect(page.Locator("#capability-report")).ToContainTextAsync("Goes offline, syncs");
        // The basemap and the four feature layers load through the proxy.
        await Assertions.Expect(page.Locator("#webmap-preview")).ToHaveAttributeAsync("data-layers-loaded", "5", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#webmap-preview")).ToHaveAttributeAsync("data-layers-failed", "0");
        Assert.True(int.Parse(await page.Locator("#webmap-preview").GetAttributeAsync("data-features") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0);
        lock (proxied)
        {
            Assert.NotEmpty(proxied);
            Assert.All(proxied, u => Assert.DoesNotContain("token=", u, StringComparison.OrdinalIgnoreCase));
        }
        await WebMapsBrowserFixture.ScreenshotAsync(page, Screenshots, "webmap");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#capabilities-csv"));
        Assert.Equal($"capabilities-{SampleItemIds.HydrantMaintenanceMap}.csv", download.SuggestedFilename);
    }

    [Fact]
    public async Task EveryWebMapPage_HasNoSeriousOrCriticalAccessibilityViolation()
    {
        var area = await portal.Factory.Services.GetRequiredService<AreaService>().SaveAreaAsync(null,
            new AreaInput("Axe block", SampleItemIds.HydrantMaintenanceMap, "Hydrant Maintenance", null,
                """{"type":"Polygon","coordinates":[[[-122.72,42.18],[-122.70,42.18],[-122.70,42.20],[-122.72,42.20],[-122.72,42.18]]]}"""), "tests", CancellationToken.None);
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        await portal.SignInAsync(page, PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
        var failures = new List<string>();

        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, "home", failures);
        await portal.GotoAsync(page, "/webmaps");
        await Assertions.Expect(page.Locator(".webmap-card")).ToHaveCountAsync(4);
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, "webmaps", failures);

        foreach (var id in new[] { SampleItemIds.HydrantMaintenanceMap, SampleItemIds.NetworkOverviewMap, SampleItemIds.RetiredNetworkMap })
        {
            await portal.GotoAsync(page, $"/webmaps/{id}");
            await Assertions.Expect(page.Locator("#capability-report, #capabilities-error")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await WebMapsBrowserFixture.CheckAsync(page, Screenshots, "webmap-" + id[..6], failures);
        }

        await portal.GotoAsync(page, $"/areas/new?webMap={SampleItemIds.HydrantMaintenanceMap}");
        await Assertions.Expect(page.Locator("input#area-webmap, #area-webmap input").First).ToHaveValueAsync(SampleItemIds.HydrantMaintenanceMap);
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, "area-new-for-map", failures);

        await portal.GotoAsync(page, $"/areas/{area.Id}/jobs/new");
        await Assertions.Expect(page.Locator("#estimate-total-tiles")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.ClickAsync("#overrides-panel");
        await WebMapsBrowserFixture.CheckAsync(page, Screenshots, "new-job", failures);

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
