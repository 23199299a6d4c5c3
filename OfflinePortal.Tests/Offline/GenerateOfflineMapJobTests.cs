using System.Text.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Packaging;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// Whole jobs against the sample portal over real HTTP: every sample web map and the effect of each parameter, checked
/// with GDAL and against counts asked of the services directly.
/// </summary>
public sealed class GenerateOfflineMapJobTests(SamplePortalEngineFixture fixture) : IClassFixture<SamplePortalEngineFixture>
{
    private const string NotRetired = "STATUS <> 'Retired'";

    private ServiceProbe Probe => fixture.Probe;

    private string Layer(string service, int id) => $"{Probe.FeatureServer(service)}/{id}";

    private static async Task<(GenerateOfflineMapResult Result, List<JobMessage> Messages, List<GenerateOfflineMapProgress> Progress)> RunAsync(
        OfflineMapTask task, GenerateOfflineMapParameters parameters, string folder, GenerateOfflineMapParameterOverrides? overrides = null)
    {
        var messages = new List<JobMessage>();
        var progress = new List<GenerateOfflineMapProgress>();
        var result = await task.GenerateOfflineMap(parameters, folder, overrides).RunCheckedAsync(
            new Callback<GenerateOfflineMapProgress>(p => { lock (progress) { progress.Add(p); } }),
            new Callback<JobMessage>(m => { lock (messages) { messages.Add(m); } }));
        return (result, messages, progress);
    }

    private async Task<(OfflineMapTask Task, GenerateOfflineMapParameters Parameters)> HydrantsAsync(EsriGeometry? area = null, bool basemap = false)
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(area ?? TestAreas.SmallBlock, TestAreas.MinScale, TestAreas.MaxScale);
        return (task, parameters with { IncludeBasemap = basemap });
    }

    private static string Errors(GenerateOfflineMapResult result) =>
        string.Join("\n", result.LayerErrors.Values.Concat(result.TableErrors.Values).Select(e => $"{e.Id}: {e.Message}"));

    /// <summary>
    /// Every layer and table of a Hydrant Maintenance package against the services' own counts for the same area and
    /// filters: hydrants with the map's definition expression, inspections related to those hydrants.
    /// </summary>
    private async Task<Dictionary<string, long>> AssertHydrantMaintenanceCountsAsync(PackageFolder folder, EsriGeometry area)
    {
        var water = new Dictionary<string, long>
        {
            ["Hydrants"] = await Probe.CountAsync(Layer("WaterNetwork", 0), NotRetired, area),
            ["Valves"] = await Probe.CountAsync(Layer("WaterNetwork", 1), area: area),
            ["Mains"] = await Probe.CountAsync(Layer("WaterNetwork", 2), area: area),
            ["Inspections"] = await Probe.CountRelatedRowsAsync("WaterNetwork", 3, NotRetired, area),
        };
        PackageChecks.LayerCountsEqual(folder.Data("WaterNetwork.gpkg"), water);
        PackageChecks.LayerCountsEqual(folder.Data("PressureZones.gpkg"), new Dictionary<string, long>
        {
            ["PressureZones"] = await Probe.CountAsync(Layer("PressureZones", 0), area: area),
        });
        Assert.True(water["Hydrants"] > 0 && water["Inspections"] > 0, "the test area needs hydrants with inspections");
        return water;
    }

    [Fact]
    public async Task HydrantMaintenance_DefaultParameters_WritesValidPackageMatchingServiceCounts()
    {
        using var folder = new PackageFolder("hydrants");
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);

        var (result, messages, progress) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        Assert.Equal(folder.Path, result.PackageDirectory);
        PackageChecks.AllGeoPackagesValid(folder.Path);
        PackageChecks.NoTemporarySiblings(folder.Path);
        var water = await AssertHydrantMaintenanceCountsAsync(folder, TestAreas.Block);
        Assert.Equal(await Probe.CountAttachmentsAsync(Layer("WaterNetwork", 0), NotRetired, TestAreas.Block),
            PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM Hydrants__ATTACH"));
        Assert.Equal(PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM Hydrants__ATTACH"),
            PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM Hydrants__ATTACHREL"));
        Assert.True(PackageChecks.Scalar(folder.Tiles("Ashland_Basemap.gpkg"), "SELECT count(*) FROM Ashland_Basemap") > 0);
        Assert.True(File.Exists(Path.Combine(folder.Path, "thumbnail.png")));

        using var manifest = PackageChecks.Manifest(folder.Path);
        var replicas = manifest.RootElement.GetProperty("replicas").EnumerateArray().ToList();
        Assert.Equal(2, replicas.Count);
        Assert.All(replicas, r => Assert.Equal("perLayer", r.GetProperty("syncModel").GetString()));
        Assert.Equal(["bidirectional", "download"], replicas.Select(r => r.GetProperty("syncDirection").GetString()).Order());
        var serverReplicas = await Probe.ReplicaIdsAsync("WaterNetwork");
        Assert.Contains(replicas.Select(r => r.GetProperty("replicaId").GetString()), id => serverReplicas.Contains(id!, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(water["Hydrants"], PackageChecks.ManifestLayer(manifest, "Hydrants_0").GetProperty("featureCount").GetInt64());
        Assert.Equal(1, PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM op_replica"));
        Assert.True(PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%op_changes%'") > 0);
        var verification = await new PackageManifestReader().VerifyAsync(folder.Path);
        Assert.True(verification.IsValid, string.Join(", ", verification.Problems));

        using var map = PackageChecks.MapJson(folder.Path);
        var hydrants = map.RootElement.GetProperty("operationalLayers").EnumerateArray().Single(l => l.GetProperty("id").GetString() == "Hydrants_0");
        Assert.Equal("data/WaterNetwork.gpkg", hydrants.GetProperty("url").GetString());
        Assert.Equal("Hydrants", hydrants.GetProperty("offline").GetProperty("table").GetString());
        Assert.Equal(Layer("WaterNetwork", 0), hydrants.GetProperty("offline").GetProperty("originalUrl").GetString());
        Assert.True(hydrants.GetProperty("offline").GetProperty("sync").GetBoolean());
        var basemap = map.RootElement.GetProperty("baseMap").GetProperty("baseMapLayers")[0];
        Assert.Equal("tiles/Ashland_Basemap.gpkg", basemap.GetProperty("url").GetString());

        Assert.Equal(1.0, progress[^1].Fraction, 3);
        Assert.All(progress[^1].Layers, l => Assert.Equal(LayerJobState.Done, l.State));
        Assert.Equal(water["Hydrants"] + water["Valves"] + water["Mains"] + water["Inspections"]
            + PackageChecks.OgrCounts(folder.Data("PressureZones.gpkg"))["PressureZones"], progress[^1].FeaturesWritten);
        Assert.Contains(messages, m => m.Text.Contains("createReplica", StringComparison.Ordinal));
        Assert.Equal(result.Messages.Count, messages.Count);
    }

    [Fact]
    public async Task NetworkOverview_DefaultParameters_OfflineSnapshotOnlineOnlyOmittedAndFailedLayers()
    {
        using var folder = new PackageFolder("overview");
        var task = await fixture.OpenAsync(SampleItemIds.NetworkOverviewMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        Assert.True(result.HasErrors);
        Assert.Equal(["Retired_0"], result.LayerErrors.Keys);
        Assert.Contains("cannot be reached", result.LayerErrors["Retired_0"].Message, StringComparison.Ordinal);
        PackageChecks.AllGeoPackagesValid(folder.Path);
        const string needsRepair = "STATUS = 'NeedsRepair'";
        PackageChecks.LayerCountsEqual(folder.Data("CriticalCustomers.gpkg"), new Dictionary<string, long>
        {
            ["CriticalCustomers"] = await Probe.CountAsync(Layer("CriticalCustomers", 0), area: TestAreas.Block),
        });
        // Hydrants_inservice stays online: only the hydrants needing repair, and the inspections related to them, go offline.
        PackageChecks.LayerCountsEqual(folder.Data("WaterNetwork.gpkg"), new Dictionary<string, long>
        {
            ["Hydrants"] = await Probe.CountAsync(Layer("WaterNetwork", 0), needsRepair, TestAreas.Block),
            ["Valves"] = await Probe.CountAsync(Layer("WaterNetwork", 1), area: TestAreas.Block),
            ["Mains"] = await Probe.CountAsync(Layer("WaterNetwork", 2), area: TestAreas.Block),
            ["Inspections"] = await Probe.CountRelatedRowsAsync("WaterNetwork", 3, needsRepair, TestAreas.Block),
        });
        PackageChecks.LayerCountsEqual(folder.Data("PressureZones.gpkg"), new Dictionary<string, long>
        {
            ["PressureZones"] = await Probe.CountAsync(Layer("PressureZones", 0), area: TestAreas.Block),
        });
        Assert.Equal(["CriticalCustomers.gpkg", "PressureZones.gpkg", "WaterNetwork.gpkg"],
            Directory.EnumerateFiles(Path.Combine(folder.Path, "data"), "*.gpkg").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(0, PackageChecks.Scalar(folder.Data("CriticalCustomers.gpkg"), "SELECT count(*) FROM sqlite_master WHERE name = 'op_replica'"));
        Assert.True(File.Exists(folder.Tiles("Ashland_Vector_Basemap.mbtiles")));
        Assert.True(File.Exists(folder.Tiles("Ashland_Vector_Basemap.style.json")));

        using var map = PackageChecks.MapJson(folder.Path);
        var layers = map.RootElement.GetProperty("operationalLayers").EnumerateArray().ToDictionary(l => l.GetProperty("id").GetString()!);
        Assert.Equal(["CriticalCustomers_0", "Hydrants_inservice", "Hydrants_repair", "Mains_2", "PressureZones_0", "Valves_1"], layers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Layer("WaterNetwork", 0), layers["Hydrants_inservice"].GetProperty("url").GetString());
        Assert.False(layers["Hydrants_inservice"].TryGetProperty("offline", out _));
        Assert.False(layers["CriticalCustomers_0"].GetProperty("offline").GetProperty("sync").GetBoolean());
        var basemap = map.RootElement.GetProperty("baseMap").GetProperty("baseMapLayers")[0];
        Assert.Equal("tiles/Ashland_Vector_Basemap.style.json", basemap.GetProperty("styleUrl").GetString());
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("online-only", PackageChecks.ManifestLayer(manifest, "Hydrants_inservice").GetProperty("status").GetString());
        Assert.Equal("omitted", PackageChecks.ManifestLayer(manifest, "USGS_Topo_WMS").GetProperty("status").GetString());
        Assert.Equal("failed", PackageChecks.ManifestLayer(manifest, "Retired_0").GetProperty("status").GetString());
        Assert.Equal("basemap", PackageChecks.ManifestLayer(manifest, "BasemapVector_vt").GetProperty("role").GetString());
    }

    [Fact]
    public async Task ValveExercising_DefaultParameters_ValvesMainsAndVectorBasemap()
    {
        using var folder = new PackageFolder("valves");
        var task = await fixture.OpenAsync(SampleItemIds.ValveExercisingMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.SmallBlock, TestAreas.MinScale, 36_000);

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        var water = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        Assert.Equal(["Mains", "Valves"], water.Keys.Order(StringComparer.Ordinal));
        PackageChecks.LayerCountsEqual(folder.Data("WaterNetwork.gpkg"), new Dictionary<string, long>
        {
            ["Valves"] = await Probe.CountAsync(Layer("WaterNetwork", 1), area: TestAreas.SmallBlock),
            ["Mains"] = await Probe.CountAsync(Layer("WaterNetwork", 2), area: TestAreas.SmallBlock),
        });
        Assert.Equal(["WaterNetwork.gpkg"], Directory.EnumerateFiles(Path.Combine(folder.Path, "data"), "*.gpkg").Select(Path.GetFileName));
        Assert.Equal(13, PackageChecks.Scalar(folder.Tiles("Ashland_Vector_Basemap.mbtiles"), "SELECT max(zoom_level) FROM tiles"));
    }

    [Fact]
    public async Task RetiredNetwork_ContinueOnErrors_ResultWithEveryLayerFailed()
    {
        using var folder = new PackageFolder("retired");
        var task = await fixture.OpenAsync(SampleItemIds.RetiredNetworkMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block);

        var (result, messages, _) = await RunAsync(task, parameters, folder.Path);

        Assert.Equal(["RetiredBasemap", "RetiredMains_0", "Retired_0"], result.LayerErrors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["RetiredInspections_1"], result.TableErrors.Keys);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "data")));
        using var map = PackageChecks.MapJson(folder.Path);
        Assert.Equal(0, map.RootElement.GetProperty("operationalLayers").GetArrayLength());
        Assert.Contains(messages, m => m.Severity == JobMessageSeverity.Error && m.Text.Contains("Retired mains", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetiredNetwork_StopOnErrors_RefusedAndNothingWritten()
    {
        using var folder = new PackageFolder("retired-stop");
        var task = await fixture.OpenAsync(SampleItemIds.RetiredNetworkMap);
        var parameters = (await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block)) with { ContinueOnErrors = false };

        var error = await Assert.ThrowsAsync<GenerateOfflineMapException>(() => RunAsync(task, parameters, folder.Path));

        Assert.Contains("cannot go offline", error.Message, StringComparison.Ordinal);
        Assert.Contains("continue-on-errors is off", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Path));
        PackageChecks.NoTemporarySiblings(folder.Path);
    }

    [Fact]
    public async Task MaxScale_MoreDetail_AddsLevelsAndTiles()
    {
        using var coarse = new PackageFolder("coarse");
        using var fine = new PackageFolder("fine");
        var (task, parameters) = await HydrantsAsync(basemap: true);
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);

        await RunAsync(task, parameters with { MaxScale = 36_000 }, coarse.Path);
        await RunAsync(task, parameters with { MaxScale = 9_000 }, fine.Path);

        const string levels = "SELECT group_concat(zoom_level) FROM (SELECT DISTINCT zoom_level FROM Ashland_Basemap ORDER BY zoom_level)";
        using var coarseDb = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={coarse.Tiles("Ashland_Basemap.gpkg")};Mode=ReadOnly;Pooling=False");
        coarseDb.Open();
        using var fineDb = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={fine.Tiles("Ashland_Basemap.gpkg")};Mode=ReadOnly;Pooling=False");
        fineDb.Open();
        Assert.Equal("13,14", Query(coarseDb, levels));
        Assert.Equal("13,14,15,16", Query(fineDb, levels));
        Assert.True(PackageChecks.Scalar(fine.Tiles("Ashland_Basemap.gpkg"), "SELECT count(*) FROM Ashland_Basemap")
            > PackageChecks.Scalar(coarse.Tiles("Ashland_Basemap.gpkg"), "SELECT count(*) FROM Ashland_Basemap"));
        GdalTools.AssertValidGeoPackage(fine.Tiles("Ashland_Basemap.gpkg"));
        Assert.Equal([13, 14, 15], overrides.ExportTileCacheParameters["Basemap_tiled"].LevelIds);

        static string Query(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (string)command.ExecuteScalar()!;
        }
    }

    [Fact]
    public async Task IncludeBasemapFalse_NoBasemapFileAndEmptyBasemapInMap()
    {
        using var folder = new PackageFolder("no-basemap");
        var (task, parameters) = await HydrantsAsync(basemap: false);

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "tiles")));
        using var map = PackageChecks.MapJson(folder.Path);
        Assert.Equal(0, map.RootElement.GetProperty("baseMap").GetProperty("baseMapLayers").GetArrayLength());
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("omitted", PackageChecks.ManifestLayer(manifest, "Basemap_tiled").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReferenceBasemap_WritesReferenceAndDownloadsNoTiles()
    {
        using var folder = new PackageFolder("reference");
        var (task, parameters) = await HydrantsAsync(basemap: true);

        var (result, _, _) = await RunAsync(task, parameters with { ReferenceBasemapDirectory = "/sdcard/basemaps/" }, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "tiles")));
        using var map = PackageChecks.MapJson(folder.Path);
        var basemap = Assert.Single(map.RootElement.GetProperty("baseMap").GetProperty("baseMapLayers").EnumerateArray());
        Assert.Equal("/sdcard/basemaps/AshlandBasemap.tpkx", basemap.GetProperty("url").GetString());
        Assert.Equal("ArcGISTiledMapServiceLayer", basemap.GetProperty("layerType").GetString());
        Assert.Equal("referenceBasemap", basemap.GetProperty("offline").GetProperty("type").GetString());
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Contains("reference basemap", PackageChecks.ManifestLayer(manifest, "Basemap_tiled").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferenceBasemap_CustomDirectoryAndFilename_LandInMapAndManifestExactly()
    {
        using var folder = new PackageFolder("reference-custom");
        var (task, parameters) = await HydrantsAsync(basemap: true);
        const string directory = "/storage/emulated/0/Crew 7/basemaps";
        const string file = "Ashland north 2026.tpkx";

        var (result, _, _) = await RunAsync(task, parameters with { ReferenceBasemapDirectory = directory, ReferenceBasemapFilename = file }, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "tiles")));
        using var map = PackageChecks.MapJson(folder.Path);
        var basemap = Assert.Single(map.RootElement.GetProperty("baseMap").GetProperty("baseMapLayers").EnumerateArray());
        Assert.Equal(directory + "/" + file, basemap.GetProperty("url").GetString());
        Assert.Equal("Ashland north 2026", basemap.GetProperty("title").GetString());
        Assert.Equal(directory, basemap.GetProperty("offline").GetProperty("directory").GetString());
        Assert.Equal(file, basemap.GetProperty("offline").GetProperty("file").GetString());
        // The author's name stays only in the copied applicationProperties, never in the basemap the device opens.
        Assert.DoesNotContain("AshlandBasemap.tpkx", map.RootElement.GetProperty("baseMap").GetRawText(), StringComparison.Ordinal);
        using var manifest = PackageChecks.Manifest(folder.Path);
        var stored = manifest.RootElement.GetProperty("parameters").GetProperty("parameters");
        Assert.Equal(directory, stored.GetProperty("referenceBasemapDirectory").GetString());
        Assert.Equal(file, stored.GetProperty("referenceBasemapFilename").GetString());
        Assert.Contains($"'{file}'", PackageChecks.ManifestLayer(manifest, "Basemap_tiled").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AreaOfInterest_WebMercatorEnvelope_EveryLayerMatchesTheServicesForThatArea()
    {
        using var folder = new PackageFolder("mercator");
        var area = TestAreas.BlockWebMercator;
        var (task, parameters) = await HydrantsAsync(area);

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        var water = await AssertHydrantMaintenanceCountsAsync(folder, area);
        // The same block as in WGS 84: the engine read the Web Mercator coordinates as metres, not degrees.
        Assert.Equal(await Probe.CountAsync(Layer("WaterNetwork", 0), NotRetired, TestAreas.Block), water["Hydrants"]);
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("Polygon", manifest.RootElement.GetProperty("areaOfInterest").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("triangle")]
    [InlineData("L-shape")]
    public async Task AreaOfInterest_NonRectangularPolygon_EveryLayerMatchesTheServicesForThatPolygon(string shape)
    {
        using var folder = new PackageFolder(shape);
        var area = shape == "triangle" ? TestAreas.Triangle : TestAreas.LShape;
        var (task, parameters) = await HydrantsAsync(area);

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        var water = await AssertHydrantMaintenanceCountsAsync(folder, area);
        // Both shapes leave out part of their envelope (the block): the polygon, not its envelope, chose the features.
        Assert.True(water["Hydrants"] < await Probe.CountAsync(Layer("WaterNetwork", 0), NotRetired, TestAreas.Block), "hydrants of the whole envelope");
        Assert.True(water["Valves"] < await Probe.CountAsync(Layer("WaterNetwork", 1), area: TestAreas.Block), "valves of the whole envelope");
    }

    [Fact]
    public async Task MinScale_LessCoarse_TileGeoPackageStartsAtTheFinerLevel()
    {
        using var folder = new PackageFolder("min-scale");
        var (task, parameters) = await HydrantsAsync(basemap: true);
        // 1:40,000 leaves out level 13 (1:72,224), which the tests' usual 1:80,000 takes; levels 14 (1:36,112) and 15 (1:18,056) remain.
        parameters = parameters with { MinScale = 40_000 };
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        var tiles = folder.Tiles("Ashland_Basemap.gpkg");
        Assert.Equal(2, PackageChecks.Scalar(tiles, "SELECT count(DISTINCT zoom_level) FROM Ashland_Basemap"));
        Assert.Equal(14, PackageChecks.Scalar(tiles, "SELECT min(zoom_level) FROM Ashland_Basemap"));
        Assert.Equal(15, PackageChecks.Scalar(tiles, "SELECT max(zoom_level) FROM Ashland_Basemap"));
        Assert.Equal([14, 15], overrides.ExportTileCacheParameters["Basemap_tiled"].LevelIds);
        Assert.Equal(result.Manifest!.Layers.Single(l => l.Id == "Basemap_tiled").TileCount, PackageChecks.Scalar(tiles, "SELECT count(*) FROM Ashland_Basemap"));
    }

    [Theory]
    [InlineData(GenerateOfflineMapOnlineOnlyServicesOption.Exclude)]
    [InlineData(GenerateOfflineMapOnlineOnlyServicesOption.Include)]
    [InlineData(GenerateOfflineMapOnlineOnlyServicesOption.UseAuthoredSettings)]
    public async Task OnlineOnlyServicesOption_ChangesMapJson(GenerateOfflineMapOnlineOnlyServicesOption option)
    {
        using var folder = new PackageFolder("online-" + option);
        var task = await fixture.OpenAsync(SampleItemIds.NetworkOverviewMap);
        var parameters = (await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.SmallBlock)) with
        {
            OnlineOnlyServicesOption = option,
            IncludeBasemap = false,
        };

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        using var map = PackageChecks.MapJson(folder.Path);
        var ids = map.RootElement.GetProperty("operationalLayers").EnumerateArray().Select(l => l.GetProperty("id").GetString()).ToHashSet();
        string[] cannotGoOffline = ["Hillshade_tiled", "WaterNetwork_dynamic", "USGS_Topo_WMS", "Earthquakes_CSV"];
        if (option == GenerateOfflineMapOnlineOnlyServicesOption.Include)
        {
            Assert.All(cannotGoOffline, id => Assert.Contains(id, ids));
            var wms = map.RootElement.GetProperty("operationalLayers").EnumerateArray().Single(l => l.GetProperty("id").GetString() == "USGS_Topo_WMS");
            Assert.StartsWith("https://basemap.nationalmap.gov/", wms.GetProperty("url").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.All(cannotGoOffline, id => Assert.DoesNotContain(id, ids));
        }
        if (option == GenerateOfflineMapOnlineOnlyServicesOption.UseAuthoredSettings)
        {
            // The author keeps it online: it stays, with its URL.
            Assert.Contains("Hydrants_inservice", ids);
            Assert.DoesNotContain("Hydrants_inservice", result.LayerErrors.Keys);
        }
        else
        {
            // Without the authored setting it wants the same service layer as Hydrants_repair: the SDK's rule makes it fail.
            Assert.DoesNotContain("Hydrants_inservice", ids);
            Assert.Contains("already takes layer 0", result.LayerErrors["Hydrants_inservice"].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoUpdates_NoReplicaRowsNoTriggersAndNoServerReplica()
    {
        using var folder = new PackageFolder("no-updates");
        var (task, parameters) = await HydrantsAsync(TestAreas.Block);
        var before = (await Probe.ReplicaIdsAsync("WaterNetwork")).Count + (await Probe.ReplicaIdsAsync("PressureZones")).Count;

        var (result, _, _) = await RunAsync(task, parameters with
        {
            UpdateMode = GenerateOfflineMapUpdateMode.NoUpdates,
            AttachmentSyncDirection = AttachmentSyncDirection.None,
        }, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        var gpkg = folder.Data("WaterNetwork.gpkg");
        Assert.Equal(0, PackageChecks.Scalar(gpkg, "SELECT count(*) FROM sqlite_master WHERE name IN ('op_replica', 'op_changes')"));
        Assert.Equal(0, PackageChecks.Scalar(gpkg, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%op_changes%'"));
        Assert.True(PackageChecks.Scalar(gpkg, "SELECT count(*) FROM Hydrants__ATTACH") > 0);
        Assert.Equal(before, (await Probe.ReplicaIdsAsync("WaterNetwork")).Count + (await Probe.ReplicaIdsAsync("PressureZones")).Count);
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal(0, manifest.RootElement.GetProperty("replicas").GetArrayLength());
        using var map = PackageChecks.MapJson(folder.Path);
        Assert.All(map.RootElement.GetProperty("operationalLayers").EnumerateArray(), l => Assert.False(l.GetProperty("offline").GetProperty("sync").GetBoolean()));
    }

    [Fact]
    public async Task DefinitionExpressionFilter_OnAndOff_ChangesHydrantCounts()
    {
        using var on = new PackageFolder("filter-on");
        using var off = new PackageFolder("filter-off");
        var (task, parameters) = await HydrantsAsync(TestAreas.Block);
        var filtered = await Probe.CountAsync(Layer("WaterNetwork", 0), NotRetired, TestAreas.Block);
        var all = await Probe.CountAsync(Layer("WaterNetwork", 0), area: TestAreas.Block);
        Assert.True(all > filtered, "the test area needs retired hydrants");

        await RunAsync(task, parameters, on.Path);
        await RunAsync(task, parameters with { IsDefinitionExpressionFilterEnabled = false }, off.Path);

        Assert.Equal(filtered, PackageChecks.OgrCounts(on.Data("WaterNetwork.gpkg"))["Hydrants"]);
        Assert.Equal(all, PackageChecks.OgrCounts(off.Data("WaterNetwork.gpkg"))["Hydrants"]);
        await AssertHydrantMaintenanceCountsAsync(on, TestAreas.Block);
        // Without the filter the retired hydrants come, and with them their inspections (related only still holds).
        PackageChecks.LayerCountsEqual(off.Data("WaterNetwork.gpkg"), new Dictionary<string, long>
        {
            ["Hydrants"] = all,
            ["Valves"] = await Probe.CountAsync(Layer("WaterNetwork", 1), area: TestAreas.Block),
            ["Mains"] = await Probe.CountAsync(Layer("WaterNetwork", 2), area: TestAreas.Block),
            ["Inspections"] = await Probe.CountRelatedRowsAsync("WaterNetwork", 3, "1=1", TestAreas.Block),
        });
    }

    [Fact]
    public async Task DestinationTableRowFilter_RelatedOnlyOrAll_ChangesInspectionCounts()
    {
        using var related = new PackageFolder("related");
        using var all = new PackageFolder("all-rows");
        var (task, parameters) = await HydrantsAsync();
        var hydrantIds = await Probe.ValuesAsync(Layer("WaterNetwork", 0), "GlobalID", NotRetired, TestAreas.SmallBlock);
        var relatedCount = await Probe.CountRelatedAsync(Layer("WaterNetwork", 3), "HYDRANTGUID", hydrantIds);
        var allCount = await Probe.CountAsync(Layer("WaterNetwork", 3));

        await RunAsync(task, parameters, related.Path);
        await RunAsync(task, parameters with { DestinationTableRowFilter = DestinationTableRowFilter.All }, all.Path);

        Assert.True(allCount > relatedCount);
        Assert.Equal(relatedCount, PackageChecks.OgrCounts(related.Data("WaterNetwork.gpkg"))["Inspections"]);
        Assert.Equal(relatedCount, await Probe.CountRelatedRowsAsync("WaterNetwork", 3, NotRetired, TestAreas.SmallBlock));
        await AssertHydrantMaintenanceCountsAsync(related, TestAreas.SmallBlock);
        Assert.Equal(allCount, PackageChecks.OgrCounts(all.Data("WaterNetwork.gpkg"))["Inspections"]);
        // The relationship class maps each inspection to its hydrant.
        Assert.Equal(relatedCount, PackageChecks.Scalar(related.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM Hydrants__REL0"));
    }

    [Theory]
    [InlineData(ReturnLayerAttachmentOption.None, AttachmentSyncDirection.Upload, false, false, "upload", "none")]
    [InlineData(ReturnLayerAttachmentOption.AllLayers, AttachmentSyncDirection.Bidirectional, true, true, "bidirectional", "bidirectional")]
    [InlineData(ReturnLayerAttachmentOption.ReadOnlyLayers, AttachmentSyncDirection.Bidirectional, false, true, "upload", "bidirectional")]
    [InlineData(ReturnLayerAttachmentOption.EditableLayers, AttachmentSyncDirection.Bidirectional, true, false, "bidirectional", "none")]
    public async Task ReturnLayerAttachmentOption_ChangesAttachmentCounts(ReturnLayerAttachmentOption option, AttachmentSyncDirection direction,
        bool hydrantAttachments, bool zoneAttachments, string waterSync, string zonesSync)
    {
        using var folder = new PackageFolder("attachments-" + option);
        var (task, parameters) = await HydrantsAsync(TestAreas.Block);

        var (result, messages, _) = await RunAsync(task, parameters with { ReturnLayerAttachmentOption = option, AttachmentSyncDirection = direction }, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        var hydrants = PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM Hydrants__ATTACH");
        var zones = PackageChecks.Scalar(folder.Data("PressureZones.gpkg"), "SELECT count(*) FROM PressureZones__ATTACH");
        Assert.Equal(hydrantAttachments ? await Probe.CountAttachmentsAsync(Layer("WaterNetwork", 0), NotRetired, TestAreas.Block) : 0, hydrants);
        Assert.Equal(zoneAttachments ? await Probe.CountAttachmentsAsync(Layer("PressureZones", 0), "1=1", TestAreas.Block) : 0, zones);
        Assert.True(!hydrantAttachments || hydrants > 0);
        using var manifest = PackageChecks.Manifest(folder.Path);
        var sync = manifest.RootElement.GetProperty("replicas").EnumerateArray()
            .ToDictionary(r => r.GetProperty("serviceUrl").GetString()!.Split('/')[^2], r => r.GetProperty("attachmentSyncDirection").GetString());
        Assert.Equal((waterSync, zonesSync), (sync["WaterNetwork"], sync["PressureZones"]));
        if (option == ReturnLayerAttachmentOption.ReadOnlyLayers)
        {
            Assert.Contains(messages, m => m.Severity == JobMessageSeverity.Warning && m.Text.Contains("WaterNetwork is editable", StringComparison.Ordinal)
                && m.Text.Contains("'upload' instead of 'bidirectional'", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SchemaOnlyForEditableLayers_EditableLayersEmptyReadOnlyLayersFilled()
    {
        using var folder = new PackageFolder("schema-only");
        var (task, parameters) = await HydrantsAsync(TestAreas.Block);

        var (result, _, _) = await RunAsync(task, parameters with { ReturnSchemaOnlyForEditableLayers = true }, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        Assert.All(PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg")).Where(c => !c.Key.EndsWith("__ATTACH", StringComparison.Ordinal)),
            c => Assert.Equal(0, c.Value));
        Assert.True(PackageChecks.OgrCounts(folder.Data("PressureZones.gpkg"))["PressureZones"] > 0);
    }

    [Fact]
    public async Task ItemInfo_LandsInManifestAndThumbnail()
    {
        using var folder = new PackageFolder("item-info");
        var (task, parameters) = await HydrantsAsync();
        var thumbnail = PackageThumbnail.Render(new EsriEnvelope(0, 0, 1, 2));
        var info = new OfflineMapItemInfo
        {
            Title = "Crew 7 – north",
            Snippet = "Hydrants north of the creek",
            Description = "<p>For crew 7</p>",
            Tags = ["crew7", "north"],
            Thumbnail = thumbnail,
        };

        await RunAsync(task, parameters with { ItemInfo = info }, folder.Path);

        using var manifest = PackageChecks.Manifest(folder.Path);
        var item = manifest.RootElement.GetProperty("item");
        Assert.Equal("Crew 7 – north", item.GetProperty("title").GetString());
        Assert.Equal("Hydrants north of the creek", item.GetProperty("snippet").GetString());
        Assert.Equal("<p>For crew 7</p>", item.GetProperty("description").GetString());
        Assert.Equal(["crew7", "north"], item.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(thumbnail, await File.ReadAllBytesAsync(Path.Combine(folder.Path, "thumbnail.png")));
        var stored = manifest.RootElement.GetProperty("parameters").GetProperty("parameters");
        Assert.Equal("Crew 7 – north", stored.GetProperty("itemInfo").GetProperty("title").GetString());
        Assert.False(stored.GetProperty("itemInfo").TryGetProperty("thumbnail", out _));
        Assert.Equal(SampleItemIds.HydrantMaintenanceMap, manifest.RootElement.GetProperty("source").GetProperty("webMapId").GetString());
        Assert.Equal("Polygon", manifest.RootElement.GetProperty("areaOfInterest").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Overrides_WhereClauseLevelsOmittedLayersAndSyncModel_TakeEffect()
    {
        using var folder = new PackageFolder("overrides");
        var (task, parameters) = await HydrantsAsync(TestAreas.Block, basemap: true);
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        var waterKey = Probe.FeatureServer("WaterNetwork");
        var water = overrides.GenerateGeodatabaseParameters[waterKey];
        overrides.GenerateGeodatabaseParameters[waterKey] = water with
        {
            SyncModel = SyncModel.Geodatabase,
            LayerOptions = [.. water.LayerOptions.Select(o => o.LayerId switch
            {
                0 => o with { WhereClause = "STATUS = 'InService'" },
                2 => o with { UseGeometry = false },
                _ => o,
            })],
        };
        overrides.ExportTileCacheParameters["Basemap_tiled"] = overrides.ExportTileCacheParameters["Basemap_tiled"] with { LevelIds = [14] };
        overrides.OmittedLayers.Add("Valves_1");
        overrides.OnlineOnlyLayers.Add("Mains_2");
        var zonesKey = Probe.FeatureServer("PressureZones");
        var wider = new EsriEnvelope(-122.745, 42.165, -122.665, 42.220) { SpatialReference = SpatialReference.Wgs84 };
        overrides.GenerateGeodatabaseParameters[zonesKey] = overrides.GenerateGeodatabaseParameters[zonesKey] with { Extent = wider };

        var (result, _, _) = await RunAsync(task, parameters, folder.Path, overrides);

        Assert.False(result.HasErrors, Errors(result));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        var counts = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        Assert.Equal(await Probe.CountAsync(Layer("WaterNetwork", 0), "STATUS = 'InService'", TestAreas.Block), counts["Hydrants"]);
        Assert.False(counts.ContainsKey("Valves"));
        Assert.False(counts.ContainsKey("Mains"));
        Assert.Equal(await Probe.CountAsync(Layer("PressureZones", 0), area: wider), PackageChecks.OgrCounts(folder.Data("PressureZones.gpkg"))["PressureZones"]);
        Assert.True(await Probe.CountAsync(Layer("PressureZones", 0), area: wider) > await Probe.CountAsync(Layer("PressureZones", 0), area: TestAreas.Block));
        Assert.Equal(14, PackageChecks.Scalar(folder.Tiles("Ashland_Basemap.gpkg"), "SELECT min(zoom_level) FROM Ashland_Basemap"));
        Assert.Equal(14, PackageChecks.Scalar(folder.Tiles("Ashland_Basemap.gpkg"), "SELECT max(zoom_level) FROM Ashland_Basemap"));
        using var map = PackageChecks.MapJson(folder.Path);
        Assert.DoesNotContain(map.RootElement.GetProperty("operationalLayers").EnumerateArray(), l => l.GetProperty("id").GetString() == "Valves_1");
        var mains = map.RootElement.GetProperty("operationalLayers").EnumerateArray().Single(l => l.GetProperty("id").GetString() == "Mains_2");
        Assert.Equal(Layer("WaterNetwork", 2), mains.GetProperty("url").GetString());
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("omitted", PackageChecks.ManifestLayer(manifest, "Valves_1").GetProperty("status").GetString());
        Assert.Equal("online-only", PackageChecks.ManifestLayer(manifest, "Mains_2").GetProperty("status").GetString());
        var replica = manifest.RootElement.GetProperty("replicas").EnumerateArray().Single(r => r.GetProperty("serviceUrl").GetString() == waterKey);
        Assert.Equal("perReplica", replica.GetProperty("syncModel").GetString());
        Assert.True(replica.TryGetProperty("replicaServerGen", out _));
        Assert.Equal("STATUS = 'InService'", manifest.RootElement.GetProperty("parameters").GetProperty("overrides")
            .GetProperty("generateGeodatabaseParameters").GetProperty(waterKey).GetProperty("layerOptions")[0].GetProperty("whereClause").GetString());
    }

    [Fact]
    public async Task Overrides_UseGeometryFalseAndVectorMaxLevel_TakeEffect()
    {
        using var folder = new PackageFolder("overrides-geometry");
        var task = await fixture.OpenAsync(SampleItemIds.ValveExercisingMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.SmallBlock, TestAreas.MinScale, TestAreas.MaxScale);
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        var key = Probe.FeatureServer("WaterNetwork");
        overrides.GenerateGeodatabaseParameters[key] = overrides.GenerateGeodatabaseParameters[key] with
        {
            LayerOptions = [.. overrides.GenerateGeodatabaseParameters[key].LayerOptions.Select(o => o.LayerId == 2 ? o with { UseGeometry = false } : o)],
        };
        overrides.ExportVectorTilesParameters["BasemapVector_vt"] = overrides.ExportVectorTilesParameters["BasemapVector_vt"] with { MaxLevel = 11 };

        var (result, _, _) = await RunAsync(task, parameters, folder.Path, overrides);

        Assert.False(result.HasErrors, Errors(result));
        var counts = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        Assert.Equal(await Probe.CountAsync(Layer("WaterNetwork", 2)), counts["Mains"]);
        Assert.Equal(await Probe.CountAsync(Layer("WaterNetwork", 1), area: TestAreas.SmallBlock), counts["Valves"]);
        Assert.Equal(11, PackageChecks.Scalar(folder.Tiles("Ashland_Vector_Basemap.mbtiles"), "SELECT max(zoom_level) FROM tiles"));
    }

    [Fact]
    public async Task Attachments_InlineInTheReplica_SameAttachmentsAsByUrl()
    {
        using var folder = new PackageFolder("inline");
        await using var engine = OfflineEngine.Create(o => o.AttachmentsByUrl = false);
        var task = await engine.Factory.CreateAsync(fixture.PortalUrl, SampleItemIds.HydrantMaintenanceMap);
        var parameters = (await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block)) with { IncludeBasemap = false };

        var (result, messages, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        var gpkg = folder.Data("WaterNetwork.gpkg");
        Assert.Equal(await Probe.CountAttachmentsAsync(Layer("WaterNetwork", 0), NotRetired, TestAreas.Block), PackageChecks.Scalar(gpkg, "SELECT count(*) FROM Hydrants__ATTACH"));
        Assert.Equal(0, PackageChecks.Scalar(gpkg, "SELECT count(*) FROM Hydrants__ATTACH WHERE hex(substr(data, 1, 2)) <> 'FFD8'"));
        Assert.DoesNotContain(messages, m => m.Text.Contains("attachments downloaded", StringComparison.Ordinal));
        PackageChecks.AllGeoPackagesValid(folder.Path);
    }

    [Fact]
    public async Task DownloadDirectory_NotEmpty_RefusedAndLeftAlone()
    {
        using var folder = new PackageFolder("not-empty");
        Directory.CreateDirectory(folder.Path);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "keep.txt"), "mine");
        var (task, parameters) = await HydrantsAsync();

        var error = await Assert.ThrowsAsync<GenerateOfflineMapException>(() => RunAsync(task, parameters, folder.Path));

        Assert.Contains("is not empty", error.Message, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(folder.Path).Select(Path.GetFileName));
        PackageChecks.NoTemporarySiblings(folder.Path);
    }

    [Fact]
    public async Task DownloadDirectory_ExistingEmpty_IsUsed()
    {
        using var folder = new PackageFolder("empty");
        Directory.CreateDirectory(folder.Path);
        var (task, parameters) = await HydrantsAsync();

        var (result, _, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors, Errors(result));
        Assert.True(File.Exists(Path.Combine(folder.Path, "package.json")));
    }

    [Fact]
    public async Task JobRunner_ParametersAndOverridesAsJson_ProducesPackage()
    {
        using var folder = new PackageFolder("runner");
        var (task, parameters) = await HydrantsAsync();
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        overrides.OmittedLayers.Add("PressureZones_0");
        var runner = new OfflineMapJobRunner(fixture.Engine.Factory);
        var messages = new List<JobMessage>();
        var temporary = Path.Combine(folder.Root, "job-1.partial");
        // The portal keeps the area apart from the parameters: the runner puts it in.
        var json = System.Text.Json.Nodes.JsonNode.Parse(OfflineJson.Serialize(parameters))!.AsObject();
        json.Remove("areaOfInterest");
        var seenTemporary = false;

        var result = OfflineJobs.Checked(await runner.RunAsync(new OfflineMapJobRequest
        {
            PortalUrl = fixture.PortalUrl,
            WebMapItemId = SampleItemIds.HydrantMaintenanceMap,
            ParametersJson = json.ToJsonString(),
            OverridesJson = OfflineJson.Serialize(overrides),
            AreaGeoJson = """{"type":"Polygon","coordinates":[[[-122.715,42.185],[-122.705,42.185],[-122.705,42.195],[-122.715,42.195],[-122.715,42.185]]]}""",
            PackageDirectory = folder.Path,
            TemporaryDirectory = temporary,
            CreatedBy = "supervisor@example.com",
        }, progress: new Callback<GenerateOfflineMapProgress>(_ => seenTemporary |= Directory.Exists(temporary)),
            messages: new Callback<JobMessage>(m => { lock (messages) { messages.Add(m); } })));

        Assert.False(result.HasErrors, Errors(result));
        Assert.True(seenTemporary);
        Assert.False(Directory.Exists(temporary));
        Assert.False(File.Exists(folder.Data("PressureZones.gpkg")));
        PackageChecks.LayerCountsEqual(folder.Data("WaterNetwork.gpkg"), new Dictionary<string, long>
        {
            ["Hydrants"] = await Probe.CountAsync(Layer("WaterNetwork", 0), NotRetired, TestAreas.SmallBlock),
            ["Valves"] = await Probe.CountAsync(Layer("WaterNetwork", 1), area: TestAreas.SmallBlock),
            ["Mains"] = await Probe.CountAsync(Layer("WaterNetwork", 2), area: TestAreas.SmallBlock),
            ["Inspections"] = await Probe.CountRelatedRowsAsync("WaterNetwork", 3, NotRetired, TestAreas.SmallBlock),
        });
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("supervisor@example.com", manifest.RootElement.GetProperty("createdBy").GetString());
        Assert.NotEmpty(messages);
    }

    [Fact]
    public async Task JobRunner_OnlyAnArea_UsesTheAuthorsDefaults()
    {
        using var folder = new PackageFolder("runner-defaults");
        var runner = new OfflineMapJobRunner(fixture.Engine.Factory);

        var result = OfflineJobs.Checked(await runner.RunAsync(new OfflineMapJobRequest
        {
            PortalUrl = fixture.PortalUrl,
            WebMapItemId = SampleItemIds.ValveExercisingMap,
            AreaGeoJson = """{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[-122.715,42.185],[-122.705,42.185],[-122.705,42.195],[-122.715,42.195],[-122.715,42.185]]]}}""",
            PackageDirectory = folder.Path,
        }));

        Assert.False(result.HasErrors, Errors(result));
        PackageChecks.LayerCountsEqual(folder.Data("WaterNetwork.gpkg"), new Dictionary<string, long>
        {
            ["Valves"] = await Probe.CountAsync(Layer("WaterNetwork", 1), area: TestAreas.SmallBlock),
            ["Mains"] = await Probe.CountAsync(Layer("WaterNetwork", 2), area: TestAreas.SmallBlock),
        });
        Assert.Equal(0d, result.Manifest!.Parameters!.Value.GetProperty("parameters").GetProperty("maxScale").GetDouble());
    }

    [Fact]
    public async Task JobRunner_NeitherParametersNorArea_Refused()
    {
        using var folder = new PackageFolder("runner-nothing");
        var runner = new OfflineMapJobRunner(fixture.Engine.Factory);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => runner.RunAsync(new OfflineMapJobRequest
        {
            PortalUrl = fixture.PortalUrl,
            WebMapItemId = SampleItemIds.ValveExercisingMap,
            PackageDirectory = folder.Path,
        }));

        Assert.Contains("neither parameters nor an area", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Path));
    }
}
