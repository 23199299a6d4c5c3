using System.Text.Json.Nodes;
using OfflinePortal.Core.Offline;
using OfflinePortal.Tests.ArcGis;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// Opening a web map against a recording server that serves real captured ArcGIS responses: every service is described
/// once however many layers use it, and the captured services are classified as the SDK would.
/// </summary>
public sealed class ServiceLoadingTests : IAsyncLifetime
{
    private const string ItemId = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";
    private const string Service = "arcgis/rest/services/Water/FeatureServer";
    private const string Tiled = "arcgis/rest/services/World_Street_Map/MapServer";
    private ArcGisTestServer _server = null!;
    private OfflineEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _server = await ArcGisTestServer.StartAsync();
        _engine = OfflineEngine.Create();
        var s = _server.Url(Service).ToString();
        var map = ExtraWebMaps.Map(
            new JsonArray(
                ExtraWebMaps.FeatureLayer("Hydrants_a", "Hydrants A", s + "/1"),
                ExtraWebMaps.FeatureLayer("Hydrants_b", "Hydrants B", s + "/1", "STATUS = 'x'"),
                ExtraWebMaps.FeatureLayer("NoGlobalIds", "No GlobalIDs", s + "/2"),
                new JsonObject { ["id"] = "Streets_op", ["layerType"] = "ArcGISTiledMapServiceLayer", ["title"] = "Streets", ["url"] = _server.Url(Tiled).ToString() }),
            new JsonArray(new JsonObject { ["id"] = "Streets_base", ["layerType"] = "ArcGISTiledMapServiceLayer", ["title"] = "Streets", ["url"] = _server.Url(Tiled).ToString() }));
        _server.MapJson($"sharing/rest/content/items/{ItemId}", $$"""{"id":"{{ItemId}}","title":"Captured services","type":"Web Map","tags":[],"typeKeywords":["Web Map"]}""");
        _server.MapJson($"sharing/rest/content/items/{ItemId}/data", map.ToJsonString());
        _server.MapFixture(Service, "featureserver-root-sync-enabled-editable-template.json");
        _server.MapFixture(Service + "/1", "featureserver-layer-template-arcrestgo.json");
        var noGlobalIds = JsonNode.Parse(ArcGisTestServer.FixtureText("featureserver-layer-template-arcrestgo.json"))!.AsObject();
        noGlobalIds["id"] = 2;
        noGlobalIds["globalIdField"] = "";
        _server.MapJson(Service + "/2", noGlobalIds.ToJsonString());
        _server.MapFixture(Tiled, "mapserver-tiled-world-street-map-10.01.json");
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task OpenTask_ServicesUsedBySeveralLayers_AreDescribedOnce()
    {
        var task = await _engine.Factory.CreateAsync(_server.Url("sharing/rest"), ItemId);
        var capabilities = await task.GetOfflineMapCapabilitiesAsync();
        await task.GetOfflineMapCapabilitiesAsync();

        Assert.Single(_server.RequestsTo(Service));
        Assert.Single(_server.RequestsTo(Service + "/1"));
        Assert.Single(_server.RequestsTo(Service + "/2"));
        Assert.Single(_server.RequestsTo(Tiled));
        Assert.Equal(OfflineCapabilityStatus.Offline, capabilities.All.Single(c => c.Id == "Hydrants_a").Status);
        Assert.Equal(OfflineCapabilityStatus.Error, capabilities.All.Single(c => c.Id == "Hydrants_b").Status);
        var noGlobalIds = capabilities.All.Single(c => c.Id == "NoGlobalIds");
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, noGlobalIds.Status);
        Assert.Contains("no GlobalID field", noGlobalIds.Reason, StringComparison.Ordinal);
        // The captured World Street Map service (10.01) does not allow tile export.
        Assert.All(capabilities.All.Where(c => c.Id.StartsWith("Streets", StringComparison.Ordinal)), c =>
        {
            Assert.Equal(OfflineCapabilityStatus.OnlineOnly, c.Status);
            Assert.Contains("exportTilesAllowed is false", c.Reason, StringComparison.Ordinal);
        });
        Assert.True(capabilities.All.Single(c => c.Id == "Streets_base").IsBasemap);
    }
}
