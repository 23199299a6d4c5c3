using Bunit;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Tests.Components.WebMaps;

/// <summary>The layer tree of a parsed web map: groups hold their children, top layer first, tables and basemap apart.</summary>
public sealed class WebMapLayerTreeTests : MudBunitContext
{
    private const string Json = """
        {
          "operationalLayers": [
            { "id": "zones", "title": "Zones", "layerType": "ArcGISFeatureLayer", "url": "https://h/arcgis/rest/services/Z/FeatureServer/0" },
            { "id": "network", "title": "Network", "layerType": "GroupLayer", "layers": [
                { "id": "mains", "title": "Mains", "layerType": "ArcGISFeatureLayer", "url": "https://h/arcgis/rest/services/W/FeatureServer/2" },
                { "id": "valves", "title": "Valves", "layerType": "ArcGISFeatureLayer", "url": "https://h/arcgis/rest/services/W/FeatureServer/1",
                  "visibility": false, "layerDefinition": { "definitionExpression": "OPEN = 1" } } ] },
            { "id": "wms", "title": "Topo", "layerType": "WMS", "url": "https://h/wms" }
          ],
          "tables": [ { "id": "inspections", "title": "Inspections", "url": "https://h/arcgis/rest/services/W/FeatureServer/3" } ],
          "baseMap": { "title": "Streets", "baseMapLayers": [
            { "id": "streets", "title": "Streets", "layerType": "ArcGISTiledMapServiceLayer", "url": "https://h/arcgis/rest/services/S/MapServer" },
            { "id": "labels", "title": "Labels", "layerType": "VectorTileLayer", "styleUrl": "https://h/arcgis/rest/services/L/VectorTileServer/resources/styles/root.json", "isReference": true } ] }
        }
        """;

    [Fact]
    public void Tree_NestsGroups_TopFirst_WithTablesAndBasemapApart_AndCapabilities()
    {
        var map = WebMap.Parse(Json);
        var capabilities = new Dictionary<string, OfflineLayerCapability>
        {
            ["valves"] = new("valves", "Valves", OfflineLayerKind.FeatureLayer, OfflineCapabilityStatus.Offline, "Sync-enabled."),
            ["wms"] = new("wms", "Topo", OfflineLayerKind.Other, OfflineCapabilityStatus.OnlineOnly, "A WMS layer cannot go offline."),
        };
        var cut = Render<WebMapLayerTree>(p => p.Add(x => x.Map, map).Add(x => x.Capabilities, capabilities));

        var top = cut.FindAll("[data-section='layers'] > li").Select(li => li.GetAttribute("data-layer-id"));
        Assert.Equal(["wms", "network", "zones"], top);
        var children = cut.FindAll("[data-section='layers'] > li[data-layer-id='network'] > ul > li").Select(li => li.GetAttribute("data-layer-id"));
        Assert.Equal(["valves", "mains"], children);
        var valves = cut.Find("li[data-layer-id='valves']").TextContent;
        Assert.Contains("hidden", valves, StringComparison.Ordinal);
        Assert.Contains("OPEN = 1", valves, StringComparison.Ordinal);
        Assert.Contains("Goes offline, syncs", valves, StringComparison.Ordinal);
        Assert.Contains("Stays online", cut.Find("li[data-layer-id='wms']").TextContent, StringComparison.Ordinal);
        Assert.Contains("(group)", cut.Find("li[data-layer-id='network'] .layer-tree-type").TextContent, StringComparison.Ordinal);

        Assert.Equal(["inspections"], cut.FindAll("[data-section='tables'] > li").Select(li => li.GetAttribute("data-layer-id")));
        Assert.Equal(["streets", "labels"], cut.FindAll("[data-section='basemap'] > li").Select(li => li.GetAttribute("data-layer-id")));
        Assert.Contains("Basemap: Streets", cut.Markup, StringComparison.Ordinal);

        // The preview draws the basemap, the layers out of their groups (bottom first) and the reference layer last.
        var preview = WebMapCatalog.PreviewLayers(map);
        Assert.Equal(["streets", "zones", "mains", "valves", "wms", "labels"], preview.Select(l => l.Id));
        Assert.Equal(WebMapPreviewKind.Unsupported, preview.Single(l => l.Id == "wms").Kind);
        Assert.False(preview.Single(l => l.Id == "valves").Visible);
        Assert.Equal("https://h/arcgis/rest/services/W/FeatureServer/1", preview.Single(l => l.Id == "valves").Url);
        Assert.Equal(["https://h/arcgis/rest/services/L/VectorTileServer", "https://h/arcgis/rest/services/S/MapServer",
            "https://h/arcgis/rest/services/W/FeatureServer", "https://h/arcgis/rest/services/Z/FeatureServer"],
            WebMapCatalog.ServiceRoots(map).Select(u => u.OriginalString).Order());
    }
}
