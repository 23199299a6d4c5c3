using System.Text.Json;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Offline;

/// <summary>Whole jobs against the sample portal over real HTTP: every sample web map, checked with GDAL and against the services.</summary>
public sealed class GenerateOfflineMapJobTests(SamplePortalEngineFixture fixture) : IClassFixture<SamplePortalEngineFixture>
{
    private ServiceProbe Probe => fixture.Probe;

    [Fact]
    public async Task HydrantMaintenance_DefaultParameters_WritesValidPackageMatchingServiceCounts()
    {
        using var folder = new PackageFolder("hydrants");
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);
        var progress = new List<GenerateOfflineMapProgress>();
        var messages = new List<JobMessage>();

        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunAsync(
            new Callback<GenerateOfflineMapProgress>(p => { lock (progress) { progress.Add(p); } }),
            new Callback<JobMessage>(m => { lock (messages) { messages.Add(m); } }));

        Assert.False(result.HasErrors, string.Join("\n", result.LayerErrors.Values.Concat(result.TableErrors.Values).Select(e => e.Message)));
        Assert.Equal(folder.Path, result.PackageDirectory);
        PackageChecks.AllGeoPackagesValid(folder.Path);
        PackageChecks.NoTemporarySiblings(folder.Path);
        var water = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        var hydrantsUrl = Probe.FeatureServer("WaterNetwork") + "/0";
        Assert.Equal(await Probe.CountAsync(hydrantsUrl, "STATUS <> 'Retired'", TestAreas.Block), water["Hydrants"]);
        Assert.Equal(await Probe.CountAsync(Probe.FeatureServer("WaterNetwork") + "/1", area: TestAreas.Block), water["Valves"]);
        Assert.Equal(await Probe.CountAsync(Probe.FeatureServer("WaterNetwork") + "/2", area: TestAreas.Block), water["Mains"]);
        var hydrantIds = await Probe.ValuesAsync(hydrantsUrl, "GlobalID", "STATUS <> 'Retired'", TestAreas.Block);
        Assert.Equal(await Probe.CountRelatedAsync(Probe.FeatureServer("WaterNetwork") + "/3", "HYDRANTGUID", hydrantIds), water["Inspections"]);
        Assert.Equal(await Probe.CountAsync(Probe.FeatureServer("PressureZones") + "/0", area: TestAreas.Block),
            PackageChecks.OgrCounts(folder.Data("PressureZones.gpkg"))["PressureZones"]);
        Assert.True(File.Exists(Path.Combine(folder.Path, "thumbnail.png")));
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal(2, manifest.RootElement.GetProperty("replicas").GetArrayLength());
        Assert.Equal(1.0, progress[^1].Fraction, 3);
        Assert.Contains(messages, m => m.Text.Contains("createReplica", StringComparison.Ordinal));
    }
}
