using System.Text.Json.Nodes;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

/// <summary>Where one offline layer's content ended up in the package.</summary>
internal sealed record OfflineLayerLocation(string Kind, string File, string? Table)
{
    public string? Style { get; init; }

    public int? ServiceLayerId { get; init; }

    public string? ServiceUrl { get; init; }

    public bool Sync { get; init; }

    public string? ReplicaId { get; init; }

    public IReadOnlyList<int> Levels { get; init; } = [];
}

/// <summary>
/// Writes the package's <c>map.json</c>: the web map JSON of the item with only these changes (every other property
/// is kept exactly as the author wrote it):
/// <list type="bullet">
/// <item>An offline feature layer or table: <c>"url"</c> becomes the package-relative GeoPackage
/// (<c>"data/WaterNetwork.gpkg"</c>) and an added <c>"offline"</c> object says where the rows are and where they came
/// from, so that sync finds the service:
/// <c>"offline": {"type": "featureTable", "file": "data/WaterNetwork.gpkg", "table": "Hydrants",
/// "originalUrl": "https://…/WaterNetwork/FeatureServer/0", "serviceUrl": "https://…/WaterNetwork/FeatureServer",
/// "layerId": 0, "sync": true, "replicaId": "…"}</c> (a read-only snapshot or a <c>noUpdates</c> copy has
/// <c>"sync": false</c> and no replica id).</item>
/// <item>An offline tiled layer: <c>"url": "tiles/Basemap.gpkg"</c> and
/// <c>"offline": {"type": "tileCache", "file": "tiles/Basemap.gpkg", "table": "Ashland_Basemap",
/// "originalUrl": "https://…/MapServer", "levels": [12, 13, 14]}</c>.</item>
/// <item>An offline vector tile layer: <c>"styleUrl": "tiles/Vector.style.json"</c> (a service <c>"url"</c> is
/// removed) and <c>"offline": {"type": "vectorTiles", "file": "tiles/Vector.mbtiles", "style": "tiles/Vector.style.json",
/// "originalUrl": "&lt;the original styleUrl or url&gt;", "serviceUrl": "https://…/VectorTileServer", "levels": [0, …]}</c>.</item>
/// <item>Feature collection layers (features stored in the map) and online-only layers and tables are unchanged:
/// online-only ones keep their URLs.</item>
/// <item>Omitted and failed layers and tables are removed; a group layer left without layers is removed too.</item>
/// <item>The basemap: with a reference basemap, <c>baseMap.baseMapLayers</c> holds one layer
/// <c>{"id": "referenceBasemap", "layerType": "ArcGISTiledMapServiceLayer" (or "VectorTileLayer" for a .vtpk),
/// "title": "&lt;file name&gt;", "url": "&lt;directory&gt;/&lt;file name&gt;", "visibility": true, "opacity": 1,
/// "offline": {"type": "referenceBasemap", "directory": "…", "file": "…"}}</c>; its tiles are not in the package.
/// Without the basemap (include basemap off) <c>baseMapLayers</c> is empty.</item>
/// <item>Layers without an id in the original get the id the engine used (the manifest's layer ids).</item>
/// </list>
/// </summary>
internal static class OfflineMapJsonWriter
{
    public const string FileName = "map.json";

    public static string Write(WebMap map, OfflinePlan plan, IReadOnlyDictionary<string, OfflineLayerLocation> offline, IReadOnlySet<string> failed)
    {
        var editor = map.Edit().WriteGeneratedIds();
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in plan.Layers)
        {
            var status = failed.Contains(layer.Id) ? PlannedStatus.Failed : layer.Status;
            var a = layer.Analysis;
            if (layer.Analysis.Layer.IsBasemap && (plan.Parameters.UsesReferenceBasemap || !plan.Parameters.IncludeBasemap))
            {
                continue; // the basemap list is rewritten as a whole below
            }
            if (status is PlannedStatus.Omitted or PlannedStatus.Failed)
            {
                if (!removed.Contains(layer.Id) && !IsInsideRemoved(a.Layer, removed))
                {
                    editor.Remove(layer.Id);
                }
                removed.Add(layer.Id);
                continue;
            }
            if (status != PlannedStatus.Offline || !offline.TryGetValue(layer.Id, out var location))
            {
                continue;
            }
            var originalUrl = a.Layer.Url ?? a.Layer.StyleUrl;
            var info = new JsonObject
            {
                ["type"] = location.Kind,
                ["file"] = location.File,
            };
            if (location.Table is not null)
            {
                info["table"] = location.Table;
            }
            if (location.Style is not null)
            {
                info["style"] = location.Style;
            }
            if (originalUrl is not null)
            {
                info["originalUrl"] = ArcGisUrl.Redact(originalUrl);
            }
            if (location.ServiceUrl is not null)
            {
                info["serviceUrl"] = location.ServiceUrl;
            }
            if (location.ServiceLayerId is { } layerId)
            {
                info["layerId"] = layerId;
            }
            if (location.Kind == "featureTable")
            {
                info["sync"] = location.Sync;
                if (location.ReplicaId is not null)
                {
                    info["replicaId"] = location.ReplicaId;
                }
            }
            if (location.Levels.Count > 0)
            {
                info["levels"] = new JsonArray([.. location.Levels.Select(l => (JsonNode)JsonValue.Create(l))]);
            }
            if (location.Kind == "vectorTiles")
            {
                editor.SetProperty(layer.Id, "styleUrl", JsonValue.Create(location.Style));
                editor.SetUrl(layer.Id, null);
            }
            else
            {
                editor.SetUrl(layer.Id, location.File);
            }
            editor.SetProperty(layer.Id, "offline", info);
        }
        RemoveEmptyGroups(map, editor, removed);
        RewriteBasemap(editor, plan.Parameters);
        return editor.ToJsonString(indented: true);
    }

    private static bool IsInsideRemoved(WebMapLayer layer, HashSet<string> removed)
    {
        for (var parent = layer.Parent; parent is not null; parent = parent.Parent)
        {
            if (removed.Contains(parent.Id))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Removes group layers whose every layer was removed, innermost first.</summary>
    private static void RemoveEmptyGroups(WebMap map, WebMapEditor editor, HashSet<string> removed)
    {
        foreach (var group in map.AllLayers.Where(l => l.IsGroup && l.Children.Count > 0).Reverse())
        {
            if (removed.Contains(group.Id) || IsInsideRemoved(group, removed))
            {
                continue;
            }
            if (group.Children.All(c => removed.Contains(c.Id)))
            {
                editor.Remove(group.Id);
                removed.Add(group.Id);
            }
        }
    }

    private static void RewriteBasemap(WebMapEditor editor, GenerateOfflineMapParameters parameters)
    {
        if (!parameters.IncludeBasemap)
        {
            Basemap(editor)["baseMapLayers"] = new JsonArray();
            return;
        }
        if (!parameters.UsesReferenceBasemap)
        {
            return;
        }
        var directory = parameters.ReferenceBasemapDirectory!.Replace('\\', '/').TrimEnd('/');
        var file = parameters.ReferenceBasemapFilename!;
        var vector = file.EndsWith(".vtpk", StringComparison.OrdinalIgnoreCase);
        var path = directory.Length == 0 ? file : directory + "/" + file;
        var layer = new JsonObject
        {
            ["id"] = "referenceBasemap",
            ["layerType"] = vector ? "VectorTileLayer" : "ArcGISTiledMapServiceLayer",
            ["title"] = Path.GetFileNameWithoutExtension(file),
            [vector ? "styleUrl" : "url"] = path,
            ["visibility"] = true,
            ["opacity"] = 1,
            ["offline"] = new JsonObject
            {
                ["type"] = "referenceBasemap",
                ["directory"] = parameters.ReferenceBasemapDirectory,
                ["file"] = file,
            },
        };
        var basemap = Basemap(editor);
        basemap["baseMapLayers"] = new JsonArray(layer);
        basemap["title"] ??= Path.GetFileNameWithoutExtension(file);
    }

    private static JsonObject Basemap(WebMapEditor editor)
    {
        if (editor.Root["baseMap"] is JsonObject basemap)
        {
            return basemap;
        }
        var created = new JsonObject();
        editor.Root["baseMap"] = created;
        return created;
    }
}
