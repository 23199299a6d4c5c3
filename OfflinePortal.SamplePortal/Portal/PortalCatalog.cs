using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Portal;

/// <summary>Item ids of the sample portal's items, fixed so tests, docs and bookmarks can name them.</summary>
public static class SampleItemIds
{
    public const string HydrantMaintenanceMap = "b7c8d9e0f1a2430b9c4d5e6f7a8b9c01";
    public const string NetworkOverviewMap = "c8d9e0f1a2b3440c8d5e6f7a8b9c0d12";
    public const string ValveExercisingMap = "d9e0f1a2b3c4450d9e6f7a8b9c0d1e23";
    public const string RetiredNetworkMap = "e0f1a2b3c4d5460e8f7a8b9c0d1e2f34";
    public const string WaterNetworkService = "3f1c2a4b5d6e4f708192a3b4c5d6e7f8";
    public const string PressureZonesService = "4a2d3b5c6e7f4081a2b3c4d5e6f70819";
    public const string CriticalCustomersService = "5b3e4c6d7f80419293a4b5c6d7e8f90a";
    public const string BasemapService = "6c4f5d7e8091420a84b5c6d7e8f9a0b1";
    public const string HillshadeService = "7d506e8f9102431b95c6d7e8f9a0b1c2";
    public const string WaterNetworkMapService = "8e617f90a213442ca6d7e8f9a0b1c2d3";
    public const string BasemapVectorService = "9f7280a1b324453db7e8f9a0b1c2d3e4";
    public const string OfflineMapsGroup = "a0839ab2c435464ec8f9a0b1c2d3e4f5";
}

/// <summary>All items of the sample portal: service items, the sample web maps, and items loaded from a folder.</summary>
internal sealed class PortalCatalog
{
    public const string Owner = "sampleadmin";
    public const string OrgId = "AshlandWaterSmpl";
    public const string UnreachableBase = "http://127.0.0.1:9/arcgis/rest/services";
    private static readonly long Created = new DateTimeOffset(2024, 2, 1, 17, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly double[][] WgsExtent = [[SampleDataGenerator.MinLon, SampleDataGenerator.MinLat], [SampleDataGenerator.MaxLon, SampleDataGenerator.MaxLat]];

    private readonly List<PortalItem> _items;

    public PortalCatalog(IOptions<SamplePortalOptions> options, IHostEnvironment? environment, ILogger<PortalCatalog> logger)
    {
        _items = [.. ServiceItems(), .. WebMaps()];
        var dir = options.Value.ItemsDirectory;
        if (!string.IsNullOrWhiteSpace(dir))
        {
            var path = Path.IsPathRooted(dir) ? dir : Path.GetFullPath(Path.Combine(environment?.ContentRootPath ?? AppContext.BaseDirectory, dir));
            _items.AddRange(ItemFolder.Load(path, _items.Select(i => i.Id).ToHashSet(StringComparer.OrdinalIgnoreCase), logger));
        }
    }

    public IReadOnlyList<PortalItem> Items => _items;

    public PortalItem? Find(string id) => _items.FirstOrDefault(i => string.Equals(i.Id, id, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<PortalItem> ServiceItems()
    {
        string[] featureKeywords = ["ArcGIS Server", "Data", "Feature Access", "Feature Service", "Service", "Hosted Service", "Multilayer"];
        foreach (var s in SampleSchema.Services)
        {
            var name = s.Name;
            yield return new PortalItem
            {
                Id = s.ItemId,
                Title = s.Title,
                Name = name,
                Type = "Feature Service",
                TypeKeywords = s.SyncEnabled ? [.. featureKeywords, "Sync"] : featureKeywords,
                Description = s.Description,
                Snippet = s.Description,
                Tags = ["water", "Ashland", "sample", s.SyncEnabled ? "offline" : "online"],
                Created = Created,
                Modified = Created,
                NumViews = 40,
                Extent = WgsExtent,
                Url = services => $"{services}/{name}/FeatureServer",
            };
        }
        (string Id, string Name, string Title, string Type, string Path, string[] Keywords)[] tiles =
        [
            (SampleItemIds.BasemapService, "Basemap", "Ashland Basemap", "Map Service", "Basemap/MapServer", ["ArcGIS Server", "Data", "Map Service", "Service", "Tiled", "Hosted Service"]),
            (SampleItemIds.HillshadeService, "Hillshade", "Ashland Hillshade", "Map Service", "Hillshade/MapServer", ["ArcGIS Server", "Data", "Map Service", "Service", "Tiled", "Hosted Service"]),
            (SampleItemIds.WaterNetworkMapService, "WaterNetwork", "Water Network (dynamic map)", "Map Service", "WaterNetwork/MapServer", ["ArcGIS Server", "Data", "Map Service", "Service", "Dynamic"]),
            (SampleItemIds.BasemapVectorService, "BasemapVector", "Ashland Vector Basemap", "Vector Tile Service", "BasemapVector/VectorTileServer", ["Vector Tile Service", "Service", "Hosted Service"]),
        ];
        foreach (var t in tiles)
        {
            var path = t.Path;
            yield return new PortalItem
            {
                Id = t.Id,
                Title = t.Title,
                Name = t.Name,
                Type = t.Type,
                TypeKeywords = t.Keywords,
                Description = t.Title + " of the sample water utility.",
                Snippet = t.Title,
                Tags = ["basemap", "Ashland", "sample"],
                Created = Created,
                Modified = Created,
                NumViews = 25,
                Extent = WgsExtent,
                Url = services => $"{services}/{path}",
            };
        }
    }

    private static readonly string[] WebMapKeywords = ["ArcGIS Online", "Explorer Web Map", "Map", "Online Map", "Web Map"];

    private static IEnumerable<PortalItem> WebMaps()
    {
        PortalItem Map(string id, string title, string snippet, string[] extraKeywords, string[] tags, int days, Func<string, JsonNode> data) => new()
        {
            Id = id,
            Title = title,
            Type = "Web Map",
            TypeKeywords = [.. WebMapKeywords, .. extraKeywords],
            Snippet = snippet,
            Description = $"<p>{snippet}</p>",
            Tags = ["water", "Ashland", .. tags],
            Groups = [SampleItemIds.OfflineMapsGroup],
            Created = Created + days * 86_400_000L,
            Modified = Created + days * 86_400_000L + 3_600_000L,
            NumViews = 100 - days,
            Extent = WgsExtent,
            Data = data,
        };
        yield return Map(SampleItemIds.HydrantMaintenanceMap, "Hydrant Maintenance", "Field crews inspect and repair hydrants, offline.",
            ["Offline", "Collector", "Data Editing"], ["hydrants", "maintenance", "offline"], 1, HydrantMaintenance);
        yield return Map(SampleItemIds.NetworkOverviewMap, "Network Overview", "Every kind of layer the offline engine must classify.",
            ["Offline", "Data Editing"], ["network", "overview", "offline"], 2, NetworkOverview);
        yield return Map(SampleItemIds.ValveExercisingMap, "Valve Exercising", "Exercise isolation valves along the mains.",
            ["Offline", "Collector", "Data Editing"], ["valves", "offline"], 3, ValveExercising);
        yield return Map(SampleItemIds.RetiredNetworkMap, "Retired Network", "A map whose services no longer exist.",
            [], ["retired"], 4, RetiredNetwork);
    }

    private static JsonObject PopupInfo(string title, bool attachments, params (string Field, string Label, bool Editable)[] fields) => new()
    {
        ["title"] = title,
        ["fieldInfos"] = new JsonArray([.. fields.Select(f => (JsonNode)new JsonObject
        {
            ["fieldName"] = f.Field,
            ["label"] = f.Label,
            ["isEditable"] = f.Editable,
            ["tooltip"] = "",
            ["visible"] = true,
            ["format"] = null,
            ["stringFieldOption"] = "textbox",
        })]),
        ["description"] = null,
        ["showAttachments"] = attachments,
        ["mediaInfos"] = new JsonArray(),
    };

    private static JsonObject FeatureLayer(string id, string title, string url, string? itemId, string? definitionExpression = null, JsonObject? popup = null, double opacity = 1)
    {
        var layer = new JsonObject
        {
            ["id"] = id,
            ["layerType"] = "ArcGISFeatureLayer",
            ["url"] = url,
            // Legacy display mode (1 = on demand) that older web maps and their readers still carry.
            ["mode"] = 1,
            ["visibility"] = true,
            ["opacity"] = opacity,
            ["title"] = title,
        };
        if (itemId is not null)
        {
            layer["itemId"] = itemId;
        }
        var definition = new JsonObject { ["minScale"] = 0, ["maxScale"] = 0 };
        if (definitionExpression is not null)
        {
            definition["definitionExpression"] = definitionExpression;
        }
        layer["layerDefinition"] = definition;
        if (popup is not null)
        {
            layer["popupInfo"] = popup;
        }
        return layer;
    }

    private static JsonObject Hydrants(string s, string id, string title, string? expression) =>
        FeatureLayer(id, title, $"{s}/WaterNetwork/FeatureServer/0", SampleItemIds.WaterNetworkService, expression,
            PopupInfo("Hydrant {ASSETID}", true, ("ASSETID", "Asset ID", false), ("STATUS", "Status", true), ("FLOWRATE", "Flow rate (gpm)", true), ("LASTINSPECTION", "Last inspection", true)));

    private static JsonObject Valves(string s, string id = "Valves_1") =>
        FeatureLayer(id, "Valves", $"{s}/WaterNetwork/FeatureServer/1", SampleItemIds.WaterNetworkService, null,
            PopupInfo("Valve {ASSETID}", false, ("ASSETID", "Asset ID", false), ("NORMALPOSITION", "Normal position", true), ("LASTEXERCISED", "Last exercised", true)));

    private static JsonObject Mains(string s) =>
        FeatureLayer("Mains_2", "Mains", $"{s}/WaterNetwork/FeatureServer/2", SampleItemIds.WaterNetworkService, null,
            PopupInfo("Main {ASSETID}", false, ("DIAMETER", "Diameter", true), ("MATERIAL", "Material", true), ("INSTALLYEAR", "Install year", true)));

    private static JsonObject Zones(string s) =>
        FeatureLayer("PressureZones_0", "Pressure Zones", $"{s}/PressureZones/FeatureServer/0", SampleItemIds.PressureZonesService, null,
            PopupInfo("{ZONENAME}", true, ("ZONENAME", "Zone", false), ("HGL", "HGL (ft)", false)), opacity: 0.45);

    private static JsonArray InspectionsTable(string s) =>
    [
        new JsonObject
        {
            ["id"] = "Inspections_3",
            ["title"] = "Inspections",
            ["url"] = $"{s}/WaterNetwork/FeatureServer/3",
            ["itemId"] = SampleItemIds.WaterNetworkService,
            ["popupInfo"] = PopupInfo("Inspection {INSPECTIONDATE}", false, ("INSPECTOR", "Inspector", true), ("RESULT", "Result", true), ("NOTES", "Notes", true)),
        },
    ];

    private static JsonObject TiledBasemap(string s) => new()
    {
        ["baseMapLayers"] = new JsonArray(new JsonObject
        {
            ["id"] = "Basemap_tiled",
            ["layerType"] = "ArcGISTiledMapServiceLayer",
            ["url"] = $"{s}/Basemap/MapServer",
            ["itemId"] = SampleItemIds.BasemapService,
            ["visibility"] = true,
            ["opacity"] = 1,
            ["title"] = "Ashland Basemap",
        }),
        ["title"] = "Ashland Basemap",
    };

    private static JsonObject VectorBasemap(string s) => new()
    {
        ["baseMapLayers"] = new JsonArray(new JsonObject
        {
            ["id"] = "BasemapVector_vt",
            ["type"] = "VectorTileLayer",
            ["layerType"] = "VectorTileLayer",
            ["title"] = "Ashland Vector Basemap",
            ["styleUrl"] = $"{s}/BasemapVector/VectorTileServer/resources/styles/root.json",
            ["itemId"] = SampleItemIds.BasemapVectorService,
            ["visibility"] = true,
            ["opacity"] = 1,
        }),
        ["title"] = "Ashland Vector Basemap",
    };

    private static JsonObject Document(JsonArray operational, JsonObject basemap, JsonArray? tables, JsonObject? offline)
    {
        var (x0, y0) = WebMercator.FromLonLat(SampleDataGenerator.MinLon, SampleDataGenerator.MinLat);
        var (x1, y1) = WebMercator.FromLonLat(SampleDataGenerator.MaxLon, SampleDataGenerator.MaxLat);
        var map = new JsonObject
        {
            ["operationalLayers"] = operational,
            ["baseMap"] = basemap,
            ["spatialReference"] = new JsonObject { ["wkid"] = 102100, ["latestWkid"] = 3857 },
            ["authoringApp"] = "OfflinePortal.SamplePortal",
            ["authoringAppVersion"] = "1.0",
            ["version"] = "2.31",
            ["initialState"] = new JsonObject
            {
                ["viewpoint"] = new JsonObject
                {
                    ["targetGeometry"] = new JsonObject
                    {
                        ["xmin"] = x0, ["ymin"] = y0, ["xmax"] = x1, ["ymax"] = y1,
                        ["spatialReference"] = new JsonObject { ["wkid"] = 102100, ["latestWkid"] = 3857 },
                    },
                },
            },
            ["bookmarks"] = new JsonArray(),
        };
        if (tables is not null)
        {
            map["tables"] = tables;
        }
        var app = new JsonObject
        {
            ["viewing"] = new JsonObject
            {
                ["routing"] = new JsonObject { ["enabled"] = false },
                ["basemapGallery"] = new JsonObject { ["enabled"] = true },
                ["measure"] = new JsonObject { ["enabled"] = true },
                ["search"] = new JsonObject { ["enabled"] = true },
            },
        };
        if (offline is not null)
        {
            app["offline"] = offline;
        }
        map["applicationProperties"] = app;
        return map;
    }

    private static JsonObject OfflineSettings(JsonArray? connected = null)
    {
        var o = new JsonObject
        {
            ["editableLayers"] = new JsonObject { ["download"] = "featuresAndAttachments", ["sync"] = "syncFeaturesAndAttachments" },
            ["readonlyLayers"] = new JsonObject { ["downloadAttachments"] = true },
            ["offlinebasemap"] = new JsonObject { ["referenceBasemapName"] = "AshlandBasemap.tpkx" },
            // Defaults made explicit, as the web map specification's example shows them: tables come with their rows,
            // and no sync data options (the services advertise supportedSyncDataOptions 0).
            ["tables"] = new JsonObject { ["includeRows"] = true },
            ["syncDataOptions"] = 0,
        };
        if (connected is not null)
        {
            o["connectedOnlineLayers"] = connected;
        }
        return o;
    }

    private static JsonNode HydrantMaintenance(string s) => Document(
        [Zones(s), Mains(s), Valves(s), Hydrants(s, "Hydrants_0", "Hydrants", "STATUS <> 'Retired'")],
        TiledBasemap(s), InspectionsTable(s), OfflineSettings());

    private static JsonNode NetworkOverview(string s)
    {
        JsonArray operational =
        [
            new JsonObject
            {
                ["id"] = "Hillshade_tiled", ["layerType"] = "ArcGISTiledMapServiceLayer", ["url"] = $"{s}/Hillshade/MapServer",
                ["itemId"] = SampleItemIds.HillshadeService, ["title"] = "Hillshade", ["visibility"] = true, ["opacity"] = 0.4,
            },
            new JsonObject
            {
                ["id"] = "WaterNetwork_dynamic", ["layerType"] = "ArcGISMapServiceLayer", ["url"] = $"{s}/WaterNetwork/MapServer",
                ["itemId"] = SampleItemIds.WaterNetworkMapService, ["title"] = "Water Network (dynamic)", ["visibility"] = false, ["opacity"] = 1,
                ["visibleLayers"] = new JsonArray(0, 1, 2),
            },
            new JsonObject
            {
                ["id"] = "USGS_Topo_WMS", ["layerType"] = "WMS", ["title"] = "USGS Topo (WMS)", ["visibility"] = false, ["opacity"] = 1,
                ["url"] = "https://basemap.nationalmap.gov/arcgis/services/USGSTopo/MapServer/WMSServer",
                ["mapUrl"] = "https://basemap.nationalmap.gov/arcgis/services/USGSTopo/MapServer/WMSServer",
                ["version"] = "1.3.0", ["visibleLayers"] = new JsonArray("0"),
                ["layers"] = new JsonArray(new JsonObject { ["name"] = "0", ["title"] = "USGSTopo", ["queryable"] = false }),
                ["spatialReferences"] = new JsonArray(3857, 4326),
                ["extent"] = new JsonArray(new JsonArray(SampleDataGenerator.MinLon, SampleDataGenerator.MinLat), new JsonArray(SampleDataGenerator.MaxLon, SampleDataGenerator.MaxLat)),
            },
            new JsonObject
            {
                ["id"] = "Earthquakes_CSV", ["layerType"] = "CSV", ["title"] = "Recent earthquakes (CSV)", ["visibility"] = false, ["opacity"] = 1,
                ["url"] = "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/2.5_week.csv",
                ["columnDelimiter"] = ",",
                ["locationInfo"] = new JsonObject { ["locationType"] = "coordinates", ["latitudeFieldName"] = "latitude", ["longitudeFieldName"] = "longitude" },
            },
            Zones(s),
            Mains(s),
            Valves(s),
            Hydrants(s, "Hydrants_repair", "Hydrants needing repair", "STATUS = 'NeedsRepair'"),
            Hydrants(s, "Hydrants_inservice", "Hydrants in service", "STATUS = 'InService'"),
            FeatureLayer("CriticalCustomers_0", "Critical Customers", $"{s}/CriticalCustomers/FeatureServer/0", SampleItemIds.CriticalCustomersService, null,
                PopupInfo("{NAME}", false, ("NAME", "Name", false), ("CATEGORY", "Category", false), ("PHONE", "Phone", false))),
            FeatureLayer("Retired_0", "Retired hydrants", $"{UnreachableBase}/Retired/FeatureServer/0", null),
        ];
        return Document(operational, VectorBasemap(s), InspectionsTable(s),
            OfflineSettings(new JsonArray(new JsonObject { ["id"] = "Hydrants_inservice" })));
    }

    private static JsonNode ValveExercising(string s) => Document([Mains(s), Valves(s)], VectorBasemap(s), null, OfflineSettings());

    private static JsonNode RetiredNetwork(string s) => Document(
        [
            FeatureLayer("RetiredMains_0", "Retired mains", $"{UnreachableBase}/RetiredMains/FeatureServer/0", null),
            FeatureLayer("Retired_0", "Retired hydrants", $"{UnreachableBase}/Retired/FeatureServer/0", null),
        ],
        new JsonObject
        {
            ["baseMapLayers"] = new JsonArray(new JsonObject
            {
                ["id"] = "RetiredBasemap", ["layerType"] = "ArcGISTiledMapServiceLayer", ["url"] = $"{UnreachableBase}/RetiredBasemap/MapServer",
                ["visibility"] = true, ["opacity"] = 1, ["title"] = "Retired basemap",
            }),
            ["title"] = "Retired basemap",
        },
        new JsonArray(new JsonObject { ["id"] = "RetiredInspections_1", ["title"] = "Retired inspections", ["url"] = $"{UnreachableBase}/Retired/FeatureServer/1" }),
        null);

    /// <summary>Writes an item's JSON as /content/items/{id} answers it.</summary>
    public static void WriteItem(Utf8JsonWriter w, PortalItem i, string servicesUrl)
    {
        var o = new JsonObject
        {
            ["id"] = i.Id,
            ["owner"] = i.Owner,
            ["orgId"] = i.OrgId,
            ["created"] = i.Created,
            ["isOrgItem"] = true,
            ["modified"] = i.Modified,
            ["guid"] = null,
            ["name"] = i.Name,
            ["title"] = i.Title,
            ["type"] = i.Type,
            ["typeKeywords"] = new JsonArray([.. i.TypeKeywords.Select(k => (JsonNode)JsonValue.Create(k))]),
            ["description"] = i.Description,
            ["tags"] = new JsonArray([.. i.Tags.Select(k => (JsonNode)JsonValue.Create(k))]),
            ["snippet"] = i.Snippet,
            ["thumbnail"] = i.Thumbnail,
            ["documentation"] = null,
            ["extent"] = new JsonArray([.. i.Extent.Select(p => (JsonNode)new JsonArray([.. p.Select(v => (JsonNode)JsonValue.Create(v))]))]),
            ["categories"] = new JsonArray(),
            ["spatialReference"] = i.Type == "Web Map" ? null : "102100",
            ["accessInformation"] = "OfflinePortal sample data",
            ["licenseInfo"] = null,
            ["culture"] = "en-us",
            ["properties"] = null,
            ["advancedSettings"] = null,
            ["url"] = i.Url(servicesUrl),
            ["proxyFilter"] = null,
            ["access"] = i.Access,
            ["size"] = -1,
            ["subInfo"] = 0,
            ["appCategories"] = new JsonArray(),
            ["industries"] = new JsonArray(),
            ["languages"] = new JsonArray(),
            ["largeThumbnail"] = null,
            ["banner"] = null,
            ["screenshots"] = new JsonArray(),
            ["listed"] = false,
            ["ownerFolder"] = null,
            ["protected"] = false,
            ["commentsEnabled"] = false,
            ["numComments"] = 0,
            ["numRatings"] = 0,
            ["avgRating"] = 0,
            ["numViews"] = i.NumViews,
            ["scoreCompleteness"] = 80,
            ["groupDesignations"] = null,
            ["contentOrigin"] = "self",
            ["itemControl"] = "admin",
        };
        if (i.Overrides is not null)
        {
            foreach (var (k, v) in i.Overrides)
            {
                o[k] = v?.DeepClone();
            }
        }
        o.WriteTo(w);
    }

    public static string FormatId(Guid g) => g.ToString("N", CultureInfo.InvariantCulture);
}
