using System.Text.Json.Nodes;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Offline;

/// <summary>Koop (Esri's open-source FeatureServer) over a GeoJSON file, and a sample portal web map that uses it.</summary>
public sealed class KoopFixture : IAsyncLifetime
{
    public const string KoopMap = "c0c1c2c3c4c5460f8a9b0c1d2e3f4a5d";
    public const int PointCount = 3000;

    private readonly string _items = TestPaths.NewTempDirectory("offline-koop-items");

    public KoopServer Koop { get; private set; } = null!;

    public SamplePortalServer Portal { get; private set; } = null!;

    public OfflineEngine Engine { get; private set; } = null!;

    /// <summary>Every point lies in this area (and outside the sample town, so nothing else is in it).</summary>
    public static EsriEnvelope Area => new(-122.60, 42.30, -122.50, 42.40) { SpatialReference = SpatialReference.Wgs84 };

    public async Task InitializeAsync()
    {
        Koop = await KoopServer.StartAsync(dir => KoopServer.WritePoints(dir, "crew_points",
            Enumerable.Range(0, PointCount).Select(i => (-122.59 + (i % 60) * 0.0013, 42.31 + (i / 60) * 0.0015))));
        ExtraWebMaps.Write(_items, KoopMap, "Koop points", ExtraWebMaps.Map(new JsonArray(
            ExtraWebMaps.FeatureLayer("Crew_points", "Crew points (Koop)", Koop.FeatureServerUrl("crew_points") + "/0"))));
        Portal = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = 100;
            o.ItemsDirectory = _items;
        });
        Engine = OfflineEngine.Create();
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Portal.DisposeAsync();
        await Koop.DisposeAsync();
        TestPaths.DeleteQuietly(_items);
    }
}

/// <summary>A real third-party feature service that is not sync-enabled goes offline as a read-only snapshot.</summary>
public sealed class KoopOfflineTests(KoopFixture fixture) : IClassFixture<KoopFixture>
{
    [Fact]
    public async Task Capabilities_Koop_NotSyncEnabledOfferedAsSnapshot()
    {
        var task = await fixture.Engine.Factory.CreateAsync(new Uri(fixture.Portal.PortalUrl), KoopFixture.KoopMap);

        var capabilities = await task.GetOfflineMapCapabilitiesAsync();

        var layer = Assert.Single(capabilities.LayerCapabilities);
        Assert.Equal(OfflineCapabilityStatus.OfflineReadOnly, layer.Status);
        Assert.Contains("not sync-enabled", layer.Reason, StringComparison.Ordinal);
        Assert.Contains("read-only snapshot", layer.Reason, StringComparison.Ordinal);
        Assert.Contains("no GlobalIDs", layer.Reason, StringComparison.Ordinal);
        Assert.False(layer.SupportsSync);
    }

    [Fact]
    public async Task Snapshot_Koop_HoldsEveryFeatureInTheArea()
    {
        using var folder = new PackageFolder("koop");
        using var probe = new ServiceProbe(fixture.Koop.ServicesUrl);
        var task = await fixture.Engine.Factory.CreateAsync(new Uri(fixture.Portal.PortalUrl), KoopFixture.KoopMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(KoopFixture.Area);
        var expected = await probe.CountAsync(fixture.Koop.FeatureServerUrl("crew_points") + "/0", area: KoopFixture.Area);

        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunCheckedAsync();

        Assert.False(result.HasErrors, string.Join("; ", result.LayerErrors.Values.Select(e => e.Message)));
        Assert.Equal(KoopFixture.PointCount, expected);
        var gpkg = Directory.EnumerateFiles(Path.Combine(folder.Path, "data"), "*.gpkg").Single();
        PackageChecks.AllGeoPackagesValid(folder.Path);
        var counts = PackageChecks.OgrCounts(gpkg);
        Assert.Equal(expected, Assert.Single(counts).Value);
        Assert.Equal(KoopFixture.PointCount, PackageChecks.Scalar(gpkg, $"SELECT count(DISTINCT OBJECTID) FROM \"{counts.Keys.Single()}\""));
        Assert.Empty(result.Manifest!.Replicas);
        using var map = PackageChecks.MapJson(folder.Path);
        var offline = map.RootElement.GetProperty("operationalLayers")[0].GetProperty("offline");
        Assert.False(offline.GetProperty("sync").GetBoolean());
        Assert.Equal(fixture.Koop.FeatureServerUrl("crew_points") + "/0", offline.GetProperty("originalUrl").GetString());
    }
}
