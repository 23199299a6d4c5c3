using System.Globalization;
using System.Text;
using System.Text.Json;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.WebMaps;

/// <summary>
/// A parsed web map (the data of a "Web Map" item): operational layers as a tree (group layers keep their
/// children), tables, basemap layers, the author's offline settings and the initial view. The original JSON is kept
/// whole, so that <see cref="Edit"/> can produce the offline <c>map.json</c> with only the intended changes and
/// every property this model does not know preserved.
/// </summary>
public sealed class WebMap
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
    private readonly Dictionary<string, WebMapLayer> _byId;

    private WebMap(JsonElement root, List<string> warnings)
    {
        Root = root;
        Warnings = warnings;
        Version = root.Str("version");
        AuthoringApp = root.Str("authoringApp");
        AuthoringAppVersion = root.Str("authoringAppVersion");
        SpatialReference = EsriJson.ParseSpatialReference(root.Prop("spatialReference"));

        var ids = new Dictionary<string, WebMapLayer>(StringComparer.Ordinal);
        var all = new List<WebMapLayer>();
        OperationalLayers = ReadLayers(root.Prop("operationalLayers"), "operationalLayers", [], WebMapLayerRole.Operational, null, all, warnings);
        Tables = ReadLayers(root.Prop("tables"), "tables", [], WebMapLayerRole.Table, null, all, warnings);
        var baseMap = root.Obj("baseMap");
        var basemapLayers = baseMap is { } b
            ? ReadLayers(b.Prop("baseMapLayers"), "baseMapLayers", [("baseMap", -1)], WebMapLayerRole.Basemap, null, all, warnings)
            : [];
        Basemap = new WebMapBasemap(baseMap?.Str("title"), basemapLayers);
        AssignIds(all, ids, warnings);
        _byId = ids;
        AllLayers = all;

        Offline = WebMapOfflineSettings.Parse(root.Obj("applicationProperties")?.Prop("offline"), warnings);
        foreach (var id in Offline.ConnectedOnlineLayerIds.Where(id => !ids.ContainsKey(id)))
        {
            warnings.Add($"connectedOnlineLayers names '{id}', which is no layer or table of the map.");
        }
        if (root.Obj("initialState")?.Obj("viewpoint") is { } viewpoint)
        {
            InitialViewpoint = new WebMapViewpoint(
                viewpoint.Prop("targetGeometry") is { } target ? EsriJson.ParseGeometry(target) : null,
                viewpoint.Double("scale"),
                viewpoint.Double("rotation"));
        }
    }

    public string? Version { get; }

    public string? AuthoringApp { get; }

    public string? AuthoringAppVersion { get; }

    public SpatialReference? SpatialReference { get; }

    /// <summary>Top-level operational layers in drawing order (bottom first); group layers hold their children.</summary>
    public IReadOnlyList<WebMapLayer> OperationalLayers { get; }

    public IReadOnlyList<WebMapLayer> Tables { get; }

    public WebMapBasemap Basemap { get; }

    public WebMapOfflineSettings Offline { get; }

    public WebMapViewpoint? InitialViewpoint { get; }

    /// <summary>Every layer, table and basemap layer, depth first (children after their group).</summary>
    public IReadOnlyList<WebMapLayer> AllLayers { get; }

    /// <summary>What was tolerated while parsing (layers without ids, unknown types …), for reports.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The original JSON, detached from any document.</summary>
    public JsonElement Root { get; }

    public static WebMap Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <exception cref="WebMapFormatException">Not JSON, not an object, an error answer, or nothing of a web map in it.</exception>
    public static WebMap Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            using var document = JsonDocument.ParseValue(ref reader);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new WebMapFormatException($"The web map is not valid JSON: {e.Message}", e);
        }
        return FromRoot(root);
    }

    public static async Task<WebMap> ParseAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonElement root;
        try
        {
            using var document = await JsonDocument.ParseAsync(stream, DocumentOptions, cancellationToken).ConfigureAwait(false);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new WebMapFormatException($"The web map is not valid JSON: {e.Message}", e);
        }
        return FromRoot(root);
    }

    /// <summary>The layer (or table, or basemap layer) with this id.</summary>
    public WebMapLayer? FindLayer(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Starts a modified copy of the map's JSON (the map itself does not change).</summary>
    public WebMapEditor Edit() => new(this);

    public string ToJsonString() => Root.GetRawText();

    private static WebMap FromRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new WebMapFormatException($"A web map must be a JSON object, not {root.ValueKind}.");
        }
        if (root.Obj("error") is { } error)
        {
            throw new WebMapFormatException($"The web map data is an error answer: {error.Str("message") ?? "(no message)"}");
        }
        if (!root.Has("operationalLayers") && !root.Has("baseMap") && !(root.Has("version") && root.Has("tables")))
        {
            throw new WebMapFormatException("The JSON is not a web map: it has neither operationalLayers nor a baseMap.");
        }
        return new WebMap(root, []);
    }

    private static List<WebMapLayer> ReadLayers(JsonElement? array, string property, IReadOnlyList<(string, int)> parentPath, WebMapLayerRole role,
        WebMapLayer? parent, List<WebMapLayer> all, List<string> warnings)
    {
        var layers = new List<WebMapLayer>();
        if (array is not { } value)
        {
            return layers;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            warnings.Add($"'{property}' is not an array and was ignored.");
            return layers;
        }
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            List<(string, int)> path = [.. parentPath, (property, index)];
            index++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                warnings.Add($"An entry of '{property}' is not an object and was ignored.");
                continue;
            }
            var layer = ReadLayer(element, path, role, warnings);
            layer.Parent = parent;
            all.Add(layer);
            layers.Add(layer);
            if (layer.IsGroup)
            {
                layer.Children = ReadLayers(element.Prop("layers"), "layers", path, role, layer, all, warnings);
            }
        }
        return layers;
    }

    private static WebMapLayer ReadLayer(JsonElement e, IReadOnlyList<(string, int)> path, WebMapLayerRole role, List<string> warnings)
    {
        if (role == WebMapLayerRole.Basemap && e.Bool("isReference"))
        {
            role = WebMapLayerRole.BasemapReference;
        }
        var url = e.NonEmptyStr("url");
        var service = ArcGisServiceUrl.TryParse(url);
        var typeName = e.NonEmptyStr("layerType") ?? e.NonEmptyStr("type");
        var type = ParseType(typeName);
        if (type == WebMapLayerType.Unknown)
        {
            var inferred = Infer(e, service, role);
            if (typeName is not null)
            {
                warnings.Add($"Unknown layerType '{typeName}' (layer '{e.Str("title") ?? e.Str("id")}'){(inferred == WebMapLayerType.Unknown ? "" : $"; treated as {inferred}")}.");
            }
            type = inferred;
        }
        var definition = e.Obj("layerDefinition");
        return new WebMapLayer(role, path, e)
        {
            Title = e.Str("title") ?? e.Str("name"),
            LayerType = type,
            LayerTypeName = e.NonEmptyStr("layerType"),
            Url = url,
            Service = service,
            ItemId = e.NonEmptyStr("itemId"),
            Visibility = e.Bool("visibility", true),
            Opacity = e.Double("opacity") is { } opacity and >= 0 and <= 1 ? opacity : 1,
            MinScale = e.Double("minScale") ?? definition?.Double("minScale"),
            MaxScale = e.Double("maxScale") ?? definition?.Double("maxScale"),
            DefinitionExpression = definition?.NonEmptyStr("definitionExpression"),
            LayerDefinition = definition,
            DrawingInfo = definition?.Prop("drawingInfo"),
            PopupInfo = e.Prop("popupInfo"),
            StyleUrl = e.NonEmptyStr("styleUrl"),
            FeatureCollection = e.Obj("featureCollection"),
            VisibleLayers = e.Array("visibleLayers").Select(JsonElementExtensions.AsInt64).Where(i => i is not null).Select(i => (int)i!.Value).ToList(),
        };
    }

    private static WebMapLayerType ParseType(string? name) =>
        !string.IsNullOrWhiteSpace(name) && Enum.TryParse<WebMapLayerType>(name.Trim(), ignoreCase: true, out var type) && Enum.IsDefined(type)
            && !int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? type
            : WebMapLayerType.Unknown;

    /// <summary>Older maps leave out <c>layerType</c>; infer it from what the layer holds.</summary>
    private static WebMapLayerType Infer(JsonElement e, ArcGisServiceUrl? service, WebMapLayerRole role)
    {
        if (e.Has("featureCollection"))
        {
            return WebMapLayerType.ArcGISFeatureLayer;
        }
        if (e.Has("styleUrl"))
        {
            return WebMapLayerType.VectorTileLayer;
        }
        if (e.Has("templateUrl"))
        {
            return WebMapLayerType.WebTiledLayer;
        }
        if (service is null)
        {
            return WebMapLayerType.Unknown;
        }
        return service.ServiceType switch
        {
            ArcGisServiceType.FeatureServer => WebMapLayerType.ArcGISFeatureLayer,
            ArcGisServiceType.MapServer when service.LayerId is not null || role == WebMapLayerRole.Table => WebMapLayerType.ArcGISFeatureLayer,
            ArcGisServiceType.MapServer when role is WebMapLayerRole.Basemap or WebMapLayerRole.BasemapReference => WebMapLayerType.ArcGISTiledMapServiceLayer,
            ArcGisServiceType.MapServer => WebMapLayerType.ArcGISMapServiceLayer,
            ArcGisServiceType.ImageServer when role is WebMapLayerRole.Basemap or WebMapLayerRole.BasemapReference => WebMapLayerType.ArcGISTiledImageServiceLayer,
            ArcGisServiceType.ImageServer => WebMapLayerType.ArcGISImageServiceLayer,
            ArcGisServiceType.VectorTileServer => WebMapLayerType.VectorTileLayer,
            ArcGisServiceType.StreamServer => WebMapLayerType.ArcGISStreamLayer,
            ArcGisServiceType.SceneServer => WebMapLayerType.ArcGISSceneServiceLayer,
            _ => WebMapLayerType.Unknown,
        };
    }

    /// <summary>
    /// Keeps the map's ids; gives layers without one (or with a duplicate) an id derived from their position, which
    /// is the same every time the same JSON is parsed.
    /// </summary>
    private static void AssignIds(List<WebMapLayer> layers, Dictionary<string, WebMapLayer> ids, List<string> warnings)
    {
        var missing = new List<WebMapLayer>();
        foreach (var layer in layers)
        {
            var id = layer.Raw.Str("id");
            if (string.IsNullOrWhiteSpace(id) || ids.ContainsKey(id))
            {
                if (!string.IsNullOrWhiteSpace(id))
                {
                    warnings.Add($"Layer id '{id}' is used twice; the second one ('{layer.Title}') gets a generated id.");
                }
                missing.Add(layer);
                continue;
            }
            layer.Id = id;
            ids[id] = layer;
        }
        foreach (var layer in missing)
        {
            var baseId = string.Join("-", layer.Path.Select(p => p.Index < 0 ? p.Property : p.Property + "-" + p.Index.ToString(CultureInfo.InvariantCulture)));
            var id = baseId;
            for (var n = 2; ids.ContainsKey(id); n++)
            {
                id = baseId + "-" + n.ToString(CultureInfo.InvariantCulture);
            }
            layer.Id = id;
            layer.HasGeneratedId = true;
            ids[id] = layer;
            if (string.IsNullOrWhiteSpace(layer.Raw.Str("id")))
            {
                warnings.Add($"Layer '{layer.Title}' at {layer.JsonPath} has no id; it is known as '{id}'.");
            }
        }
    }
}
