using System.Text.Json.Nodes;
using OfflinePortal.SamplePortal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// Web maps the sample portal does not ship, loaded from its extra items folder (<c>name.item.json</c> +
/// <c>name.data.json</c>; <c>{servicesUrl}</c> in the data becomes the portal's services URL).
/// </summary>
public static class ExtraWebMaps
{
    /// <summary>Two layers on one service layer, a MapServer feature layer, KML, a group, a feature collection, a dynamic service as tiled, authored schema-only settings.</summary>
    public const string EdgeCasesMap = "e1e2e3e4e5e6470f8a9b0c1d2e3f4a5b";

    public static void Write(string folder, string itemId, string title, JsonObject data, params string[] typeKeywords)
    {
        Directory.CreateDirectory(folder);
        var item = new JsonObject
        {
            ["id"] = itemId,
            ["title"] = title,
            ["type"] = "Web Map",
            ["typeKeywords"] = new JsonArray([.. new[] { "Web Map", "Offline" }.Concat(typeKeywords).Select(k => (JsonNode)k)]),
            ["tags"] = new JsonArray("test"),
            ["snippet"] = title + " (test map)",
        };
        File.WriteAllText(Path.Combine(folder, itemId + ".item.json"), item.ToJsonString());
        File.WriteAllText(Path.Combine(folder, itemId + ".data.json"), data.ToJsonString());
    }

    public static JsonObject FeatureLayer(string id, string title, string url, string? definitionExpression = null)
    {
        var layer = new JsonObject { ["id"] = id, ["layerType"] = "ArcGISFeatureLayer", ["title"] = title, ["url"] = url, ["visibility"] = true, ["opacity"] = 1 };
        if (definitionExpression is not null)
        {
            layer["layerDefinition"] = new JsonObject { ["definitionExpression"] = definitionExpression };
        }
        return layer;
    }

    public static JsonObject Map(JsonArray operational, JsonArray? basemapLayers = null, JsonArray? tables = null, JsonObject? offline = null)
    {
        var map = new JsonObject
        {
            ["operationalLayers"] = operational,
            ["baseMap"] = new JsonObject { ["baseMapLayers"] = basemapLayers ?? [], ["title"] = "Basemap" },
            ["spatialReference"] = new JsonObject { ["wkid"] = 102100, ["latestWkid"] = 3857 },
            ["version"] = "2.31",
        };
        if (tables is not null)
        {
            map["tables"] = tables;
        }
        if (offline is not null)
        {
            map["applicationProperties"] = new JsonObject { ["offline"] = offline };
        }
        return map;
    }

    public static void WriteEdgeCases(string folder)
    {
        const string s = "{servicesUrl}";
        var operational = new JsonArray(
            FeatureLayer("Hydrants_a", "Hydrants A", $"{s}/WaterNetwork/FeatureServer/0"),
            FeatureLayer("Hydrants_b", "Hydrants B", $"{s}/WaterNetwork/FeatureServer/0", "STATUS = 'InService'"),
            new JsonObject
            {
                ["id"] = "Valves_mapserver", ["layerType"] = "ArcGISFeatureLayer", ["title"] = "Valves (map service layer)",
                ["url"] = $"{s}/WaterNetwork/MapServer/1",
            },
            new JsonObject { ["id"] = "Parcels_KML", ["layerType"] = "KML", ["title"] = "Parcels (KML)", ["url"] = "https://example.com/parcels.kml" },
            new JsonObject
            {
                ["id"] = "Network_group", ["layerType"] = "GroupLayer", ["title"] = "Network",
                ["layers"] = new JsonArray(
                    FeatureLayer("Group_valves", "Valves in group", $"{s}/WaterNetwork/FeatureServer/1"),
                    FeatureLayer("Group_zones", "Zones in group", $"{s}/PressureZones/FeatureServer/0")),
            },
            new JsonObject
            {
                ["id"] = "Notes_fc", ["layerType"] = "ArcGISFeatureLayer", ["title"] = "Map notes",
                ["featureCollection"] = new JsonObject
                {
                    ["layers"] = new JsonArray(new JsonObject
                    {
                        ["layerDefinition"] = new JsonObject { ["name"] = "Notes", ["geometryType"] = "esriGeometryPoint" },
                        ["featureSet"] = new JsonObject
                        {
                            ["geometryType"] = "esriGeometryPoint",
                            ["features"] = new JsonArray(new JsonObject
                            {
                                ["geometry"] = new JsonObject { ["x"] = -13660000.0, ["y"] = 5189000.0, ["spatialReference"] = new JsonObject { ["wkid"] = 102100 } },
                                ["attributes"] = new JsonObject { ["TEXT"] = "Meet here" },
                            }),
                        },
                    }),
                },
            },
            new JsonObject
            {
                ["id"] = "Network_as_tiles", ["layerType"] = "ArcGISTiledMapServiceLayer", ["title"] = "Network (not cached)",
                ["url"] = $"{s}/WaterNetwork/MapServer",
            });
        var offline = new JsonObject
        {
            ["editableLayers"] = new JsonObject { ["download"] = "none", ["sync"] = "syncFeaturesUploadAttachments" },
            ["readonlyLayers"] = new JsonObject { ["downloadAttachments"] = false },
        };
        Write(folder, EdgeCasesMap, "Edge Cases", Map(operational, offline: offline));
    }
}

/// <summary>The sample portal with the extra test web maps loaded.</summary>
public sealed class ExtraMapsFixture : SamplePortalEngineFixture
{
    private readonly string _items = TestPaths.NewTempDirectory("offline-items");

    protected override void Configure(SamplePortalOptions options)
    {
        ExtraWebMaps.WriteEdgeCases(_items);
        options.ItemsDirectory = _items;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        TestPaths.DeleteQuietly(_items);
    }
}
