using System.Text.Json;
using OfflinePortal.Core.ArcGis;

namespace OfflinePortal.Core.WebMaps;

/// <summary>Layer types of the web map specification (<c>layerType</c>), matched ignoring case.</summary>
public enum WebMapLayerType
{
    Unknown,
    ArcGISFeatureLayer,
    ArcGISMapServiceLayer,
    ArcGISTiledMapServiceLayer,
    ArcGISImageServiceLayer,
    ArcGISTiledImageServiceLayer,
    ArcGISImageServiceVectorLayer,
    ArcGISStreamLayer,
    ArcGISSceneServiceLayer,
    VectorTileLayer,
    GroupLayer,
    WebTiledLayer,
    WMS,
    WMTS,
    WFS,
    KML,
    CSV,
    GeoJSON,
    GeoRSS,
    OGCFeatureLayer,
    SubtypeGroupLayer,
    SubtypeGroupTable,
    OpenStreetMap,
    BingMapsAerial,
    BingMapsRoad,
    BingMapsHybrid,
    MediaLayer,
    OrientedImageryLayer,
    KnowledgeGraphLayer,
    CatalogLayer,
}

/// <summary>Where a layer sits in the web map.</summary>
public enum WebMapLayerRole
{
    /// <summary><c>operationalLayers[]</c> (or a group layer's children).</summary>
    Operational,

    /// <summary><c>tables[]</c>.</summary>
    Table,

    /// <summary><c>baseMap.baseMapLayers[]</c> drawn below the operational layers.</summary>
    Basemap,

    /// <summary><c>baseMap.baseMapLayers[]</c> with <c>isReference</c>: labels drawn above the operational layers.</summary>
    BasemapReference,
}

/// <summary>
/// One layer, table or basemap layer of a <see cref="WebMap"/>. Raw parts (<c>layerDefinition</c>,
/// <c>drawingInfo</c>, <c>popupInfo</c>, <c>featureCollection</c>) are kept as JSON for the offline map.
/// </summary>
public sealed class WebMapLayer
{
    internal WebMapLayer(WebMapLayerRole role, IReadOnlyList<(string Property, int Index)> path, JsonElement raw)
    {
        Role = role;
        Path = path;
        Raw = raw;
    }

    /// <summary>The layer's id: the map's own, or a stable generated one when the map has none (see <see cref="HasGeneratedId"/>).</summary>
    public string Id { get; internal set; } = "";

    /// <summary>True when the map gave no (or a duplicate) id and <see cref="Id"/> was generated from the layer's position.</summary>
    public bool HasGeneratedId { get; internal set; }

    public string? Title { get; internal init; }

    public WebMapLayerType LayerType { get; internal init; }

    /// <summary>The <c>layerType</c> as written in the map (null when absent and inferred).</summary>
    public string? LayerTypeName { get; internal init; }

    public WebMapLayerRole Role { get; }

    public string? Url { get; internal init; }

    /// <summary>
    /// The service root and layer id split out of <see cref="Url"/> (<c>…/FeatureServer/3</c> → <c>…/FeatureServer</c>, 3;
    /// also <c>…/MapServer/3</c>); null when the URL names no ArcGIS service.
    /// </summary>
    public ArcGisServiceUrl? Service { get; internal init; }

    public string? ItemId { get; internal init; }

    public bool Visibility { get; internal init; } = true;

    public double Opacity { get; internal init; } = 1;

    public double? MinScale { get; internal init; }

    public double? MaxScale { get; internal init; }

    /// <summary><c>layerDefinition.definitionExpression</c>: the filter to apply (createReplica <c>where</c>).</summary>
    public string? DefinitionExpression { get; internal init; }

    public JsonElement? LayerDefinition { get; internal init; }

    /// <summary><c>layerDefinition.drawingInfo</c>, kept raw.</summary>
    public JsonElement? DrawingInfo { get; internal init; }

    public JsonElement? PopupInfo { get; internal init; }

    /// <summary>VectorTileLayer style URL.</summary>
    public string? StyleUrl { get; internal init; }

    /// <summary>The layer embeds its features (<c>featureCollection</c>, map notes) and needs no service.</summary>
    public bool HasFeatureCollection => FeatureCollection is not null;

    public JsonElement? FeatureCollection { get; internal init; }

    /// <summary>ArcGISMapServiceLayer: <c>visibleLayers[]</c>.</summary>
    public IReadOnlyList<int> VisibleLayers { get; internal init; } = [];

    /// <summary>GroupLayer children, in map order.</summary>
    public IReadOnlyList<WebMapLayer> Children { get; internal set; } = [];

    /// <summary>The group layer holding this one, if any.</summary>
    public WebMapLayer? Parent { get; internal set; }

    public bool IsGroup => LayerType == WebMapLayerType.GroupLayer;

    public bool IsTable => Role == WebMapLayerRole.Table;

    public bool IsBasemap => Role is WebMapLayerRole.Basemap or WebMapLayerRole.BasemapReference;

    /// <summary>The layer's JSON object as the map holds it.</summary>
    public JsonElement Raw { get; }

    /// <summary>Where the layer sits in the JSON, e.g. <c>$.operationalLayers[2].layers[0]</c>.</summary>
    public string JsonPath => "$" + string.Concat(Path.Select(p => p.Index < 0 ? "." + p.Property : $".{p.Property}[{p.Index}]"));

    internal IReadOnlyList<(string Property, int Index)> Path { get; }

    public override string ToString() => $"{LayerType} '{Title}' ({Id})";
}

/// <summary>The basemap: its title and layers (base layers below, reference layers above the operational layers).</summary>
public sealed record WebMapBasemap(string? Title, IReadOnlyList<WebMapLayer> Layers)
{
    public IEnumerable<WebMapLayer> BaseLayers => Layers.Where(l => l.Role == WebMapLayerRole.Basemap);

    public IEnumerable<WebMapLayer> ReferenceLayers => Layers.Where(l => l.Role == WebMapLayerRole.BasemapReference);
}
