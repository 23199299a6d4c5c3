using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;
using Microsoft.Playwright;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.SamplePortal.Tiles;

namespace OfflinePortal.Tests.Browser;

/// <summary>
/// esri-leaflet (a real Esri client, from npm) draws the sample portal's tiled MapServer and FeatureServer layer in
/// Debian Chromium. Page, libraries and portal come from one loopback host, so no CORS is involved.
/// </summary>
public sealed class EsriLeafletSampleTests
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [Fact]
    public async Task EsriLeaflet_TiledMapLayerAndFeatureLayer_DrawWithoutFailedRequests()
    {
        var lib = Path.Combine(TestPaths.RepositoryRoot, "wwwroot", "lib");
        var pages = Path.Combine(TestPaths.RepositoryRoot, "OfflinePortal.Tests", "Browser", "pages");
        Assert.True(File.Exists(Path.Combine(lib, "esri-leaflet", "esri-leaflet.js")), "wwwroot/lib is built by OfflinePortal.Web's build");

        await using var host = await SampleTileHost.StartAsync(configure: app =>
        {
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(lib), RequestPath = "/lib" });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(pages), RequestPath = "/pages" });
        });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1024, Height = 768 } });
        var problems = new ConcurrentQueue<string>();
        var tileResponses = 0;
        var queryResponses = 0;
        page.RequestFailed += (_, request) => problems.Enqueue($"request failed: {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Enqueue($"HTTP {response.Status}: {response.Url}");
            }
            if (response.Url.Contains("/Basemap/MapServer/tile/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref tileResponses);
            }
            if (response.Url.Contains("/FeatureServer/0/query", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref queryResponses);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Enqueue($"console error: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");

        await page.GotoAsync($"{host.BaseUrl}/pages/esri-leaflet-sample.html");
        await page.WaitForFunctionAsync(
            "() => window.sampleMap && window.sampleMap.featureLoads > 0 && window.sampleMap.tilesLoaded >= 12 && document.querySelectorAll('path.hydrant').length > 0",
            null,
            new PageWaitForFunctionOptions { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var screenshot = Path.Combine(TestPaths.RepositoryRoot, "TestResults", "browser", "esri-leaflet-sample.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });

        Assert.Empty(problems);
        var state = await page.EvaluateAsync<JsonElement>(
            "() => ({ tiles: window.sampleMap.tilesLoaded, tileErrors: window.sampleMap.tileErrors, features: window.sampleMap.features, errors: window.sampleMap.errors, bounds: window.sampleMap.bounds() })");
        Assert.Equal(0, state.GetProperty("tileErrors").GetInt32());
        Assert.Empty(state.GetProperty("errors").EnumerateArray());

        // Tiles: loaded images in the tile pane, each a 256-pixel tile decoded by the browser.
        var loadedTiles = await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile-loaded')].filter(i => i.naturalWidth === 256).length");
        Assert.True(loadedTiles >= 12, $"{loadedTiles} tiles shown");
        Assert.True(tileResponses >= loadedTiles);
        Assert.True(queryResponses > 0);

        // Features: every hydrant of the store inside the visible map is drawn (esri-leaflet loads whole grid cells,
        // so it may draw some just outside too).
        var drawn = await page.Locator("path.hydrant").CountAsync();
        var b = state.GetProperty("bounds").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var (x0, y0) = WebMercator.FromLonLat(b[0], b[1]);
        var (x1, y1) = WebMercator.FromLonLat(b[2], b[3]);
        var visible = 0;
        await foreach (var hydrant in host.Reader.ReadAsync("WaterNetwork", 0, new Envelope(x0, x1, y0, y1), CancellationToken.None))
        {
            var c = hydrant.Geometry.Coordinate;
            if (c.X >= x0 && c.X <= x1 && c.Y >= y0 && c.Y <= y1)
            {
                visible++;
            }
        }
        Assert.True(visible > 10, $"the view should hold hydrants, found {visible}");
        Assert.True(drawn >= visible, $"{drawn} hydrants drawn, {visible} in view");
        Assert.Equal(state.GetProperty("features").GetInt32(), drawn);
    }
}
