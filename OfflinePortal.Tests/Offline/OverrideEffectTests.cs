using System.Text.Json;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.Geometry;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;
using Microsoft.Extensions.DependencyInjection;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// The sample portal of <see cref="OverrideEffectTests"/>: besides the generated data, a few hydrants entered without
/// a location (one retired) and an inspection of one of them, added through applyEdits as an office would.
/// </summary>
public sealed class NullGeometryPortalFixture : SamplePortalEngineFixture, IAsyncLifetime
{
    public const string NoLocationPrefix = "NOLOC-";

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var hydrants = Probe.FeatureServer("WaterNetwork") + "/0";
        var adds = JsonSerializer.Serialize(new[] { "InService", "InService", "NeedsRepair", "Retired" }.Select((status, i) => new
        {
            attributes = new Dictionary<string, object> { ["ASSETID"] = $"{NoLocationPrefix}{i + 1}", ["STATUS"] = status, ["HYDRANTTYPE"] = "Dry barrel" },
        }));
        var added = await Probe.GetAsync(hydrants + "/applyEdits", ("adds", adds));
        var results = added.GetProperty("addResults").EnumerateArray().ToList();
        Assert.All(results, r => Assert.True(r.GetProperty("success").GetBoolean(), r.GetRawText()));
        var first = await Probe.ValuesAsync(hydrants, "GlobalID", $"ASSETID = '{NoLocationPrefix}1'");
        var inspection = JsonSerializer.Serialize(new[]
        {
            new { attributes = new Dictionary<string, object> { ["HYDRANTGUID"] = first.Single(), ["INSPECTOR"] = "Office", ["RESULT"] = "Pass" } },
        });
        var inspected = await Probe.GetAsync(Probe.FeatureServer("WaterNetwork") + "/3/applyEdits", ("adds", inspection));
        Assert.True(inspected.GetProperty("addResults")[0].GetProperty("success").GetBoolean(), inspected.GetRawText());
    }
}

/// <summary>
/// Each override of <see cref="GenerateOfflineMapParameterOverrides"/> changes the written package the way it says:
/// feature counts are compared with the service's own <c>returnCountOnly</c> for the same filter and area, tiles with
/// <see cref="TileMath"/> for the override's area and levels, and every GeoPackage passes validate_gpkg.
/// </summary>
public sealed class OverrideEffectTests(NullGeometryPortalFixture fixture) : IClassFixture<NullGeometryPortalFixture>
{
    private const string NotRetired = "STATUS <> 'Retired'";

    private ServiceProbe Probe => fixture.Probe;

    private string WaterKey => Probe.FeatureServer("WaterNetwork");

    private string Layer(int id) => $"{WaterKey}/{id}";

    /// <summary>Hydrant Maintenance over the small block, without basemap and pressure zones unless asked, so that each job is small.</summary>
    private async Task<(OfflineMapTask Task, GenerateOfflineMapParameters Parameters, GenerateOfflineMapParameterOverrides Overrides)> HydrantsAsync(
        EsriEnvelope area, bool basemap = false, bool zones = false)
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = (await task.CreateDefaultGenerateOfflineMapParametersAsync(area, TestAreas.MinScale, TestAreas.MaxScale)) with { IncludeBasemap = basemap };
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        if (!zones)
        {
            overrides.OmittedLayers.Add("PressureZones_0");
        }
        return (task, parameters, overrides);
    }

    private void ChangeLayer(GenerateOfflineMapParameterOverrides overrides, int layerId, Func<GenerateLayerOption, GenerateLayerOption> change)
    {
        var water = overrides.GenerateGeodatabaseParameters[WaterKey];
        Assert.Contains(water.LayerOptions, o => o.LayerId == layerId);
        overrides.GenerateGeodatabaseParameters[WaterKey] = water with { LayerOptions = [.. water.LayerOptions.Select(o => o.LayerId == layerId ? change(o) : o)] };
    }

    private static async Task<GenerateOfflineMapResult> RunValidAsync(OfflineMapTask task, GenerateOfflineMapParameters parameters, PackageFolder folder,
        GenerateOfflineMapParameterOverrides overrides)
    {
        var result = await task.GenerateOfflineMap(parameters, folder.Path, overrides).RunAsync();
        Assert.False(result.HasErrors, string.Join("\n", result.LayerErrors.Values.Concat(result.TableErrors.Values).Select(e => $"{e.Id}: {e.Message}")));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        PackageChecks.NoTemporarySiblings(folder.Path);
        return result;
    }

    private static long AttachmentRows(string gpkg, string table) =>
        PackageChecks.Scalar(gpkg, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}__ATTACH'") == 0
            ? 0
            : PackageChecks.Scalar(gpkg, $"SELECT count(*) FROM \"{table}__ATTACH\"");

    [Fact]
    public async Task QueryOptionNone_OnALayer_TableWithSchemaAndNoRows()
    {
        using var folder = new PackageFolder("override-none");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.SmallBlock);
        ChangeLayer(overrides, 1, o => o with { QueryOption = GenerateLayerQueryOption.None, IncludeRelated = false });

        await RunValidAsync(task, parameters, folder, overrides);

        var counts = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        Assert.True(await Probe.CountAsync(Layer(1), area: TestAreas.SmallBlock) > 0);
        Assert.Equal(0, counts["Valves"]);
        Assert.True(PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM pragma_table_info('Valves') WHERE name = 'VALVETYPE'") == 1);
        Assert.Equal(await Probe.CountAsync(Layer(0), NotRetired, TestAreas.SmallBlock), counts["Hydrants"]);
    }

    [Fact]
    public async Task QueryOptionAll_OnALayer_EveryRowRegardlessOfTheArea()
    {
        using var folder = new PackageFolder("override-all");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.SmallBlock);
        ChangeLayer(overrides, 1, o => o with { QueryOption = GenerateLayerQueryOption.All });

        await RunValidAsync(task, parameters, folder, overrides);

        var counts = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        var all = await Probe.CountAsync(Layer(1));
        Assert.True(all > await Probe.CountAsync(Layer(1), area: TestAreas.SmallBlock));
        Assert.Equal(all, counts["Valves"]);
        Assert.Equal(await Probe.CountAsync(Layer(2), area: TestAreas.SmallBlock), counts["Mains"]);
    }

    [Fact]
    public async Task WhereClause_OnALayer_OnlyMatchingRowsInTheArea()
    {
        using var folder = new PackageFolder("override-where");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.Block);
        const string where = "NORMALPOSITION = 'Open' AND DIAMETER >= 8";
        ChangeLayer(overrides, 1, o => o with { WhereClause = where });

        await RunValidAsync(task, parameters, folder, overrides);

        var valves = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"))["Valves"];
        var expected = await Probe.CountAsync(Layer(1), where, TestAreas.Block);
        Assert.Equal(expected, valves);
        Assert.InRange(expected, 1, await Probe.CountAsync(Layer(1), area: TestAreas.Block) - 1);
    }

    [Fact]
    public async Task IncludeRelatedFalse_OnTheRelatedTable_NoRelatedRows()
    {
        using var folder = new PackageFolder("override-related");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.SmallBlock);
        var inspections = overrides.GenerateGeodatabaseParameters[WaterKey].LayerOptions.Single(o => o.LayerId == 3);
        Assert.True(inspections.IncludeRelated);
        ChangeLayer(overrides, 3, o => o with { IncludeRelated = false });

        await RunValidAsync(task, parameters, folder, overrides);

        var counts = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        var hydrantIds = await Probe.ValuesAsync(Layer(0), "GlobalID", NotRetired, TestAreas.SmallBlock);
        Assert.True(await Probe.CountRelatedAsync(Layer(3), "HYDRANTGUID", hydrantIds) > 0);
        Assert.Equal(0, counts["Inspections"]);
        Assert.Equal(hydrantIds.Count, counts["Hydrants"]);
    }

    [Theory]
    [InlineData(false, AttachmentSyncDirection.None, "none")]
    [InlineData(true, AttachmentSyncDirection.Upload, "upload")]
    [InlineData(true, AttachmentSyncDirection.Bidirectional, "bidirectional")]
    public async Task ServiceAttachmentOptions_ReturnAttachmentsAndDirection_InThePackage(bool returnAttachments, AttachmentSyncDirection direction, string wire)
    {
        using var folder = new PackageFolder("override-attachments");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.Block);
        overrides.GenerateGeodatabaseParameters[WaterKey] = overrides.GenerateGeodatabaseParameters[WaterKey] with
        {
            ReturnAttachments = returnAttachments,
            AttachmentSyncDirection = direction,
        };

        await RunValidAsync(task, parameters, folder, overrides);

        var inService = await Probe.CountAttachmentsAsync(Layer(0), NotRetired, TestAreas.Block);
        Assert.True(inService > 0);
        Assert.Equal(returnAttachments ? inService : 0, AttachmentRows(folder.Data("WaterNetwork.gpkg"), "Hydrants"));
        using var manifest = PackageChecks.Manifest(folder.Path);
        var replica = manifest.RootElement.GetProperty("replicas").EnumerateArray().Single(r => r.GetProperty("serviceUrl").GetString() == WaterKey);
        Assert.Equal(wire, replica.GetProperty("attachmentSyncDirection").GetString());
    }

    [Fact]
    public async Task OnlineOnlyTables_Inspections_StayOnlineInMapJsonAndOutOfTheGeoPackage()
    {
        using var folder = new PackageFolder("override-online-table");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.SmallBlock);
        overrides.OnlineOnlyTables.Add("Inspections_3");

        await RunValidAsync(task, parameters, folder, overrides);

        Assert.False(PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg")).ContainsKey("Inspections"));
        using var map = PackageChecks.MapJson(folder.Path);
        var table = map.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "Inspections_3");
        Assert.Equal(Layer(3), table.GetProperty("url").GetString());
        Assert.False(table.TryGetProperty("offline", out _));
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("online-only", PackageChecks.ManifestLayer(manifest, "Inspections_3").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OmittedLayers_Valves_NowhereInThePackage()
    {
        using var folder = new PackageFolder("override-omit");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.SmallBlock);
        overrides.OmittedLayers.Add("Valves_1");

        await RunValidAsync(task, parameters, folder, overrides);

        var counts = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        Assert.False(counts.ContainsKey("Valves"));
        Assert.Equal(await Probe.CountAsync(Layer(2), area: TestAreas.SmallBlock), counts["Mains"]);
        using var map = PackageChecks.MapJson(folder.Path);
        Assert.DoesNotContain(map.RootElement.GetProperty("operationalLayers").EnumerateArray(), l => l.GetProperty("id").GetString() == "Valves_1");
        Assert.DoesNotContain(map.RootElement.GetProperty("operationalLayers").EnumerateArray(), l => l.GetProperty("id").GetString() == "PressureZones_0");
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("omitted", PackageChecks.ManifestLayer(manifest, "Valves_1").GetProperty("status").GetString());
        Assert.False(File.Exists(folder.Data("PressureZones.gpkg")));
    }

    [Fact]
    public async Task ExportTileCacheOverride_AreaAndLevels_ExactlyTheTilesOfThatArea()
    {
        using var folder = new PackageFolder("override-tile-area");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.Block, basemap: true);
        overrides.OmittedLayers.Add("Hydrants_0");
        overrides.OmittedLayers.Add("Valves_1");
        overrides.OmittedLayers.Add("Mains_2");
        overrides.OmittedLayers.Add("Inspections_3");
        var tiled = overrides.ExportTileCacheParameters["Basemap_tiled"];
        overrides.ExportTileCacheParameters["Basemap_tiled"] = tiled with { AreaOfInterest = TestAreas.SmallBlock, LevelIds = [13, 15] };

        await RunValidAsync(task, parameters, folder, overrides);

        var info = await fixture.Engine.Services.GetRequiredService<TiledServiceClient>().GetServiceInfoAsync(new Uri(tiled.ServiceUrl));
        var expected = ExpectedTiles(info.TileInfo!, [13, 15], TestAreas.SmallBlock, flipForMbTiles: false);
        var wider = ExpectedTiles(info.TileInfo!, [13, 15], TestAreas.Block, flipForMbTiles: false);
        Assert.True(wider.Count > expected.Count);
        Assert.Equal(expected, TilesIn(folder.Tiles("Ashland_Basemap.gpkg"), "Ashland_Basemap"));
    }

    [Fact]
    public async Task ExportVectorTilesOverride_AreaAndMaxLevel_ExactlyTheTilesOfThatArea()
    {
        using var folder = new PackageFolder("override-vector-area");
        var task = await fixture.OpenAsync(SampleItemIds.ValveExercisingMap);
        // Wider than the override's area by more than a level-13 vector tile (512 px, about 3.6 km here).
        var wide = new EsriEnvelope(-122.745, 42.165, -122.665, 42.220) { SpatialReference = SpatialReference.Wgs84 };
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(wide, TestAreas.MinScale, TestAreas.MaxScale);
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        foreach (var id in new[] { "Valves_1", "Mains_2" })
        {
            overrides.OmittedLayers.Add(id);
        }
        var vector = overrides.ExportVectorTilesParameters["BasemapVector_vt"];
        Assert.True(vector.MaxLevel > 13);
        overrides.ExportVectorTilesParameters["BasemapVector_vt"] = vector with { AreaOfInterest = TestAreas.SmallBlock, MaxLevel = 13 };

        var result = await task.GenerateOfflineMap(parameters, folder.Path, overrides).RunAsync();

        Assert.False(result.HasErrors);
        PackageChecks.NoTemporarySiblings(folder.Path);
        var info = await fixture.Engine.Services.GetRequiredService<VectorTileServiceClient>().GetServiceInfoAsync(new Uri(vector.ServiceUrl));
        var levels = info.TileInfo!.Lods.Select(l => l.Level).Where(l => l <= 13).ToList();
        var expected = ExpectedTiles(info.TileInfo!, levels, TestAreas.SmallBlock, flipForMbTiles: true);
        Assert.True(ExpectedTiles(info.TileInfo!, levels, wide, flipForMbTiles: true).Count > expected.Count);
        Assert.Equal(expected, TilesIn(folder.Tiles("Ashland_Vector_Basemap.mbtiles"), "tiles"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IncludeFeaturesWithNullGeometry_Hydrants_AlsoTakesTheRowsWithoutLocationAndTheirInspections(bool snapshot)
    {
        using var folder = new PackageFolder("override-null-geometry");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.SmallBlock);
        Assert.False(overrides.GenerateGeodatabaseParameters[WaterKey].LayerOptions.Single(o => o.LayerId == 0).IncludeFeaturesWithNullGeometry);
        ChangeLayer(overrides, 0, o => o with { IncludeFeaturesWithNullGeometry = true });
        // A replica, or (forced) a read-only snapshot by queries: the two ways a service is taken offline.
        overrides.GenerateGeodatabaseParameters[WaterKey] = overrides.GenerateGeodatabaseParameters[WaterKey] with { IsSnapshot = snapshot };

        var result = await RunValidAsync(task, parameters, folder, overrides);

        var gpkg = folder.Data("WaterNetwork.gpkg");
        var inArea = await Probe.ValuesAsync(Layer(0), "GlobalID", NotRetired, TestAreas.SmallBlock);
        var withoutLocation = await Probe.ValuesAsync(Layer(0), "GlobalID", $"{NotRetired} AND ASSETID LIKE '{NullGeometryPortalFixture.NoLocationPrefix}%'");
        Assert.Equal(3, withoutLocation.Count);
        Assert.Empty(inArea.Intersect(withoutLocation, StringComparer.OrdinalIgnoreCase));
        var counts = PackageChecks.OgrCounts(gpkg);
        Assert.Equal(inArea.Count + withoutLocation.Count, counts["Hydrants"]);
        var geometryColumn = GeometryColumn(gpkg, "Hydrants");
        Assert.Equal(withoutLocation.Count, PackageChecks.Scalar(gpkg, $"SELECT count(*) FROM Hydrants WHERE \"{geometryColumn}\" IS NULL"));
        Assert.Equal(0, PackageChecks.Scalar(gpkg, "SELECT count(*) FROM Hydrants WHERE STATUS = 'Retired'"));
        Assert.Equal(await Probe.CountRelatedAsync(Layer(3), "HYDRANTGUID", [.. inArea, .. withoutLocation]), counts["Inspections"]);
        Assert.Equal(1, await Probe.CountRelatedAsync(Layer(3), "HYDRANTGUID", withoutLocation));
        Assert.Equal(counts["Hydrants"], result.Manifest!.Layers.Single(l => l.Id == "Hydrants_0").FeatureCount);
        Assert.Equal(await Probe.CountAsync(Layer(1), area: TestAreas.SmallBlock), counts["Valves"]);
        Assert.Equal(snapshot ? 0 : 1, PackageChecks.Scalar(gpkg, "SELECT count(*) FROM sqlite_master WHERE name = 'op_replica'"));
    }

    [Fact]
    public async Task IncludeFeaturesWithNullGeometry_Off_RowsWithoutLocationLeftOut()
    {
        using var folder = new PackageFolder("override-null-geometry-off");
        var (task, parameters, overrides) = await HydrantsAsync(TestAreas.SmallBlock);

        await RunValidAsync(task, parameters, folder, overrides);

        var gpkg = folder.Data("WaterNetwork.gpkg");
        Assert.Equal(await Probe.CountAsync(Layer(0), NotRetired, TestAreas.SmallBlock), PackageChecks.OgrCounts(gpkg)["Hydrants"]);
        Assert.Equal(0, PackageChecks.Scalar(gpkg, $"SELECT count(*) FROM Hydrants WHERE \"{GeometryColumn(gpkg, "Hydrants")}\" IS NULL"));
        Assert.Equal(3, await Probe.CountAsync(Layer(0), $"{NotRetired} AND ASSETID LIKE '{NullGeometryPortalFixture.NoLocationPrefix}%'"));
    }

    private static string GeometryColumn(string gpkg, string table)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = gpkg, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = $t";
        command.Parameters.AddWithValue("$t", table);
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>(level, column, row) of every tile the area covers, rows in MBTiles' TMS order when asked.</summary>
    private static SortedSet<(long Level, long Column, long Row)> ExpectedTiles(TileInfo tileInfo, IEnumerable<int> levels, EsriEnvelope area, bool flipForMbTiles)
    {
        var aoi = AreaOfInterest.Create(area);
        var geometry = tileInfo.SpatialReference.IsWgs84 ? aoi.Wgs84 : aoi.WebMercatorGeometry;
        var tiles = new SortedSet<(long, long, long)>();
        foreach (var level in levels)
        {
            foreach (var t in TileMath.TilesInArea(tileInfo, tileInfo.FindLevel(level)!, geometry).Enumerate())
            {
                tiles.Add((t.Level, t.Column, flipForMbTiles ? (1L << t.Level) - 1 - t.Row : t.Row));
            }
        }
        return tiles;
    }

    private static SortedSet<(long Level, long Column, long Row)> TilesIn(string file, string table)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT zoom_level, tile_column, tile_row FROM \"{table}\"";
        using var reader = command.ExecuteReader();
        var tiles = new SortedSet<(long, long, long)>();
        while (reader.Read())
        {
            tiles.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return tiles;
    }
}
