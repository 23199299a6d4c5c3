using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// A job's work runs concurrently within its limits (tile requests, services, metadata loads), proved by counting the
/// requests in flight and by holding requests until enough run together — never by timing; and its progress reports
/// end with the counts and bytes the package holds.
/// </summary>
public sealed class JobConcurrencyTests(SamplePortalEngineFixture fixture) : IClassFixture<SamplePortalEngineFixture>
{
    private static async Task<GenerateOfflineMapParameters> ParametersAsync(OfflineMapTask task, bool basemap = true) =>
        (await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale)) with { IncludeBasemap = basemap };

    [Fact]
    public async Task TileRequests_ReachTheirLimitTogetherAndNeverExceedIt()
    {
        const int limit = 3;
        var hook = new RequestHook();
        await using var engine = hook.CreateEngine(o => o.MaxConcurrentTileRequests = limit);
        var task = await engine.Factory.CreateAsync(fixture.PortalUrl, SampleItemIds.HydrantMaintenanceMap);
        var parameters = await ParametersAsync(task);
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        foreach (var id in new[] { "Hydrants_0", "Valves_1", "Mains_2", "Inspections_3", "PressureZones_0" })
        {
            overrides.OmittedLayers.Add(id);
        }
        var tiles = (await task.EstimateAsync(parameters, overrides)).TileLayers.Single().TileCount;
        Assert.True(tiles > 4 * limit);
        hook.CountBy(r => RequestHook.PathContains(r, "/MapServer/tile/") ? "tiles" : null);
        var together = new Rendezvous(limit);
        hook.Before((r, ct) => RequestHook.PathContains(r, "/MapServer/tile/") ? together.ArriveAsync(ct) : Task.CompletedTask);
        using var folder = new PackageFolder("concurrent-tiles");

        var result = await task.GenerateOfflineMap(parameters, folder.Path, overrides).RunAsync();

        Assert.False(result.HasErrors);
        Assert.True(together.Reached);
        Assert.Equal(limit, hook.MaxInFlight("tiles"));
        Assert.Equal(tiles, PackageChecks.Scalar(folder.Tiles("Ashland_Basemap.gpkg"), "SELECT count(*) FROM Ashland_Basemap"));
    }

    [Fact]
    public async Task Services_RunTogetherUpToMaxConcurrentServices()
    {
        const int limit = 2;
        var hook = new RequestHook();
        await using var engine = hook.CreateEngine(o => o.MaxConcurrentServices = limit);
        var task = await engine.Factory.CreateAsync(fixture.PortalUrl, SampleItemIds.HydrantMaintenanceMap);
        var parameters = await ParametersAsync(task);
        hook.CountBy(RequestHook.ServiceOf);
        var together = new Rendezvous(limit);
        hook.Before((r, ct) => RequestHook.ServiceOf(r) is { } service ? together.ArriveAsync(ct, service) : Task.CompletedTask);
        using var folder = new PackageFolder("concurrent-services");

        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunAsync();

        Assert.False(result.HasErrors);
        Assert.True(together.Reached);
        // Three units (two feature services and the tiled basemap), two at a time.
        Assert.Equal(3, result.Manifest!.Layers.Where(l => l.Status == Core.Packaging.PackageLayerStatus.Offline).Select(l => l.File).Distinct().Count());
        Assert.Equal(limit, hook.MaxDistinctKeys);
    }

    [Fact]
    public async Task MetadataLoads_RunTogetherUpToTheirLimit()
    {
        const int limit = 2;
        var hook = new RequestHook();
        await using var engine = hook.CreateEngine(o => o.MaxConcurrentMetadataRequests = limit);
        hook.CountBy(r => RequestHook.ServiceOf(r) is not null ? "metadata" : null);
        var together = new Rendezvous(limit);
        hook.Before((r, ct) => RequestHook.ServiceOf(r) is not null ? together.ArriveAsync(ct) : Task.CompletedTask);

        var task = await engine.Factory.CreateAsync(fixture.PortalUrl, SampleItemIds.HydrantMaintenanceMap);

        Assert.True(together.Reached);
        Assert.Equal(limit, hook.MaxInFlight("metadata"));
        var services = hook.Paths.Select(p => p.Split('/')).Where(s => s.Any(x => x is "FeatureServer" or "MapServer")).Select(s => string.Join('/', s.TakeWhile(x => x is not ("FeatureServer" or "MapServer")))).Distinct().Count();
        Assert.True(services >= 3);
        var capabilities = await task.GetOfflineMapCapabilitiesAsync();
        Assert.False(capabilities.HasErrors);
    }

    [Fact]
    public async Task Progress_EndsWithTheCountsAndBytesOfThePackage()
    {
        using var folder = new PackageFolder("progress");
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await ParametersAsync(task);
        var reports = new List<GenerateOfflineMapProgress>();

        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunAsync(new Callback<GenerateOfflineMapProgress>(p =>
        {
            lock (reports)
            {
                reports.Add(p);
            }
        }));

        Assert.False(result.HasErrors);
        PackageChecks.AllGeoPackagesValid(folder.Path);
        var last = reports[^1];
        var water = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        var zones = PackageChecks.OgrCounts(folder.Data("PressureZones.gpkg"));
        var tiles = PackageChecks.Scalar(folder.Tiles("Ashland_Basemap.gpkg"), "SELECT count(*) FROM Ashland_Basemap");
        var layers = last.Layers.ToDictionary(l => l.Id);
        var manifest = result.Manifest!.Layers.ToDictionary(l => l.Id);
        foreach (var (id, count) in new[]
        {
            ("Hydrants_0", water["Hydrants"]), ("Valves_1", water["Valves"]), ("Mains_2", water["Mains"]), ("Inspections_3", water["Inspections"]),
            ("PressureZones_0", zones["PressureZones"]), ("Basemap_tiled", tiles),
        })
        {
            Assert.Equal(LayerJobState.Done, layers[id].State);
            Assert.True(count > 0, id);
            Assert.Equal(count, layers[id].Done);
            Assert.Equal(count, layers[id].Total);
            Assert.Equal(manifest[id].Bytes, layers[id].Bytes);
            Assert.True(layers[id].Bytes > 0, id);
        }
        Assert.Equal(tiles, last.TilesWritten);
        // GDAL also lists the attachment media tables; they hold attachments, not features.
        Assert.Equal(water.Concat(zones).Where(t => !t.Key.EndsWith("__ATTACH", StringComparison.Ordinal)).Sum(t => t.Value), last.FeaturesWritten);
        var attachments = PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM Hydrants__ATTACH")
            + PackageChecks.Scalar(folder.Data("PressureZones.gpkg"), "SELECT count(*) FROM PressureZones__ATTACH");
        Assert.True(attachments > 0);
        Assert.Equal(attachments, last.AttachmentsWritten);
        var payload = PackageChecks.Scalar(folder.Tiles("Ashland_Basemap.gpkg"), "SELECT sum(length(tile_data)) FROM Ashland_Basemap")
            + PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT sum(length(DATA)) FROM Hydrants__ATTACH")
            + PackageChecks.Scalar(folder.Data("PressureZones.gpkg"), "SELECT sum(length(DATA)) FROM PressureZones__ATTACH");
        Assert.True(last.BytesDownloaded >= payload, $"{last.BytesDownloaded} bytes downloaded, {payload} bytes of tiles and attachments written");
        Assert.Equal(1.0, last.Fraction, 3);
        // Counts only grow while the job runs.
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].FeaturesWritten >= reports[i - 1].FeaturesWritten && reports[i].TilesWritten >= reports[i - 1].TilesWritten
                && reports[i].BytesDownloaded >= reports[i - 1].BytesDownloaded);
        }
    }
}
