using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Offline;

/// <summary>The estimate before a job, compared with what the job then writes, and the tile limits it enforces.</summary>
public sealed class OfflineMapEstimateTests(SamplePortalEngineFixture fixture) : IClassFixture<SamplePortalEngineFixture>
{
    private static Dictionary<int, long> TilesPerLevel(string file, string table, string levelColumn = "zoom_level")
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {levelColumn}, count(*) FROM \"{table}\" GROUP BY {levelColumn}";
        using var reader = command.ExecuteReader();
        var result = new Dictionary<int, long>();
        while (reader.Read())
        {
            result[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return result;
    }

    private static Dictionary<int, long> Estimated(TileLayerEstimate layer) => layer.Levels.ToDictionary(l => l.Level, l => l.TileCount);

    [Fact]
    public async Task Estimate_TiledBasemap_TileCountsEqualTilesWrittenPerLevel()
    {
        using var folder = new PackageFolder("estimate-tiles");
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.BlockPolygon, TestAreas.MinScale, 9_000);

        var estimate = await task.EstimateAsync(parameters);
        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunCheckedAsync();

        Assert.False(result.HasErrors);
        var basemap = Assert.Single(estimate.TileLayers);
        Assert.Equal("Basemap_tiled", basemap.LayerId);
        Assert.Equal([13, 14, 15, 16], basemap.Levels.Select(l => l.Level));
        Assert.Equal(Estimated(basemap), TilesPerLevel(folder.Tiles("Ashland_Basemap.gpkg"), "Ashland_Basemap"));
        Assert.All(basemap.Levels, l => Assert.InRange(l.SampledTiles, Math.Min(5, l.TileCount), 5));
        Assert.All(basemap.Levels, l => Assert.True(l.EstimatedBytes > 0));
        Assert.Equal(100_000, basemap.MaxExportTilesCount);
        Assert.True(estimate.CanRun);
        Assert.Equal(basemap.TileCount, result.Manifest!.Layers.Single(l => l.Id == "Basemap_tiled").TileCount);
    }

    [Fact]
    public async Task Estimate_VectorBasemap_TileCountsEqualTilesWrittenPerLevel()
    {
        using var folder = new PackageFolder("estimate-vector");
        var task = await fixture.OpenAsync(SampleItemIds.ValveExercisingMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, 9_000);

        var estimate = await task.EstimateAsync(parameters);
        await task.GenerateOfflineMap(parameters, folder.Path).RunCheckedAsync();

        var vector = Assert.Single(estimate.TileLayers);
        Assert.Equal(OfflineLayerKind.VectorTileLayer, vector.Kind);
        Assert.Equal(Enumerable.Range(0, 16), vector.Levels.Select(l => l.Level));
        Assert.Equal(Estimated(vector), TilesPerLevel(folder.Tiles("Ashland_Vector_Basemap.mbtiles"), "tiles"));
    }

    [Fact]
    public async Task Estimate_FeatureLayers_CountsMatchServiceAndSizesAreSampled()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);
        var probe = fixture.Probe;

        var estimate = await task.EstimateAsync(parameters);

        var layers = estimate.FeatureLayers.ToDictionary(l => l.LayerId);
        Assert.Equal(await probe.CountAsync(probe.FeatureServer("WaterNetwork") + "/0", "STATUS <> 'Retired'", TestAreas.Block), layers["Hydrants_0"].FeatureCount);
        Assert.Equal(await probe.CountAsync(probe.FeatureServer("WaterNetwork") + "/2", area: TestAreas.Block), layers["Mains_2"].FeatureCount);
        Assert.Equal(await probe.CountAsync(probe.FeatureServer("PressureZones") + "/0", area: TestAreas.Block), layers["PressureZones_0"].FeatureCount);
        Assert.True(layers["Hydrants_0"].SampledFeatures > 0);
        Assert.True(layers["Hydrants_0"].AttachmentBytes > 0);
        Assert.True(layers["Hydrants_0"].AttachmentCount > 0);
        Assert.Equal(0, layers["Mains_2"].AttachmentBytes);
        Assert.True(layers["Inspections_3"].IsApproximate);
        Assert.All(estimate.FeatureLayers, l => Assert.Null(l.Error));
        Assert.Equal(2, estimate.FeatureServiceCount);
        Assert.True(estimate.GeoPackageBytes > estimate.AttachmentBytes);
        Assert.True(estimate.TotalBytes > estimate.GeoPackageBytes + estimate.TileLayers.Sum(t => t.EstimatedBytes));
    }

    [Fact]
    public async Task Estimate_WebMercatorArea_SameAsTheWgs84Area()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var wgs84 = TestAreas.Block;
        var (x0, y0) = Core.Geometry.WebMercator.FromLonLat(wgs84.XMin, wgs84.YMin);
        var (x1, y1) = Core.Geometry.WebMercator.FromLonLat(wgs84.XMax, wgs84.YMax);
        var mercator = new EsriEnvelope(x0, y0, x1, y1) { SpatialReference = SpatialReference.WebMercator };

        var a = await task.EstimateAsync(await task.CreateDefaultGenerateOfflineMapParametersAsync(wgs84, TestAreas.MinScale, TestAreas.MaxScale));
        var b = await task.EstimateAsync(await task.CreateDefaultGenerateOfflineMapParametersAsync(mercator, TestAreas.MinScale, TestAreas.MaxScale));

        Assert.Equal(a.TileLayers[0].Levels.Select(l => l.TileCount), b.TileLayers[0].Levels.Select(l => l.TileCount));
        Assert.Equal(a.FeatureLayers.Select(l => l.FeatureCount), b.FeatureLayers.Select(l => l.FeatureCount));
        Assert.True(a.FeatureCount > 0);
    }

    [Fact]
    public async Task Estimate_TooManyTiles_RefusedBeforeTheJobStarts()
    {
        using var folder = new PackageFolder("too-many");
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var wide = new EsriEnvelope(-123.0, 42.0, -122.6, 42.3) { SpatialReference = SpatialReference.Wgs84 };
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(wide, TestAreas.MinScale, 1_128);
        var replicasBefore = (await fixture.Probe.ReplicaIdsAsync("WaterNetwork")).Count;

        var estimate = await task.EstimateAsync(parameters);
        var error = await Assert.ThrowsAsync<GenerateOfflineMapException>(() => task.GenerateOfflineMap(parameters, folder.Path).RunCheckedAsync());

        Assert.False(estimate.CanRun);
        var violation = Assert.Single(estimate.LimitViolations);
        Assert.Contains("'Ashland Basemap'", violation, StringComparison.Ordinal);
        Assert.Contains("(100,000)", violation, StringComparison.Ordinal);
        Assert.Contains(estimate.TileLayers[0].TileCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), violation, StringComparison.Ordinal);
        Assert.Contains(violation, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Path));
        PackageChecks.NoTemporarySiblings(folder.Path);
        Assert.Equal(replicasBefore, (await fixture.Probe.ReplicaIdsAsync("WaterNetwork")).Count);
    }

    [Fact]
    public async Task Antimeridian_AreaAcrossIt_BothPartsCountedAndTheJobWritesThem()
    {
        using var folder = new PackageFolder("antimeridian");
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var across = new EsriPolygon([[[179.95, 42.0], [179.95, 42.05], [-179.95, 42.05], [-179.95, 42.0], [179.95, 42.0]]]) { SpatialReference = SpatialReference.Wgs84 };
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(across, TestAreas.MinScale, TestAreas.MaxScale);

        var estimate = await task.EstimateAsync(parameters);
        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunCheckedAsync();

        Assert.False(result.HasErrors, string.Join("; ", result.LayerErrors.Values.Select(e => e.Message)));
        var tiles = folder.Tiles("Ashland_Basemap.gpkg");
        Assert.Equal(Estimated(estimate.TileLayers[0]), TilesPerLevel(tiles, "Ashland_Basemap"));
        foreach (var level in new[] { 13, 14, 15 })
        {
            // Columns at both ends of the world: the part east of 180° and the part west of it.
            Assert.Equal(0, PackageChecks.Scalar(tiles, $"SELECT min(tile_column) FROM Ashland_Basemap WHERE zoom_level = {level}"));
            Assert.Equal((1L << level) - 1, PackageChecks.Scalar(tiles, $"SELECT max(tile_column) FROM Ashland_Basemap WHERE zoom_level = {level}"));
        }
        PackageChecks.AllGeoPackagesValid(folder.Path);
        Assert.Equal(0, PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"))["Hydrants"]);
    }
}
