using System.Text.Json.Serialization;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Portal;

namespace OfflinePortal.Core.WebMaps;

/// <summary>What the web maps list asks for: free text, owner and tags (all optional), sort, and one page (1-based start).</summary>
public sealed record WebMapSearch
{
    public const int MaxPageSize = 100;

    public string? Text { get; init; }

    public string? Owner { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public PortalSortField Sort { get; init; } = PortalSortField.Modified;

    public bool Descending { get; init; } = true;

    /// <summary>1-based position of the first result (the portal's <c>start</c>).</summary>
    public int Start { get; init; } = 1;

    /// <summary>Results per page (the portal's <c>num</c>), 1 to <see cref="MaxPageSize"/>.</summary>
    public int Num { get; init; } = 12;

    /// <summary>Tags typed as one text, separated by commas.</summary>
    public static IReadOnlyList<string> SplitTags(string? tags) =>
        string.IsNullOrWhiteSpace(tags) ? [] : tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>One web map in the list.</summary>
public sealed record WebMapSummary(
    string Id,
    string Title,
    string? Owner,
    DateTimeOffset? Modified,
    string? Snippet,
    IReadOnlyList<string> Tags,
    bool HasThumbnail,
    bool IsOfflineEnabled)
{
    public static WebMapSummary From(PortalItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.Id, item.Title, item.Owner, item.Modified, item.Snippet, item.Tags, item.Thumbnail is not null, item.IsOfflineEnabled);
    }
}

/// <summary>One page of web maps, with the portal's own paging: <see cref="NextStart"/> is -1 on the last page.</summary>
public sealed record WebMapSearchPage(long Total, int Start, int Num, int NextStart, IReadOnlyList<WebMapSummary> Items)
{
    public bool HasMore => NextStart > 0;

    /// <summary>The start of the previous page, or null on the first.</summary>
    public int? PreviousStart => Start > 1 ? Math.Max(1, Start - Num) : null;
}

/// <summary>How the preview draws a layer with esri-leaflet.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WebMapPreviewKind>))]
public enum WebMapPreviewKind
{
    /// <summary><c>L.esri.featureLayer</c> on a feature service layer (or a map service layer).</summary>
    Feature,

    /// <summary><c>L.esri.tiledMapLayer</c> on a cached map or image service.</summary>
    Tiled,

    /// <summary><c>L.esri.dynamicMapLayer</c> on a map service drawn on the fly.</summary>
    Dynamic,

    /// <summary>A vector tile service; the preview does not draw it (listed with the reason).</summary>
    VectorTile,

    /// <summary>Anything else (WMS, CSV, KML …): listed, not drawn.</summary>
    Unsupported,
}

/// <summary>A layer as the map preview draws it, bottom first. URLs are the services' own; the browser reaches them through the proxy.</summary>
public sealed record WebMapPreviewLayer(
    string Id,
    string Title,
    WebMapPreviewKind Kind,
    string? Url,
    double Opacity,
    bool Visible,
    bool IsBasemap)
{
    public string? DefinitionExpression { get; init; }

    /// <summary>Sub-layers a dynamic map service shows (empty: the service's defaults).</summary>
    public IReadOnlyList<int> VisibleLayers { get; init; } = [];

    /// <summary>Why the layer is not drawn, for kinds the preview skips.</summary>
    public string? NotDrawnReason { get; init; }
}

/// <summary>A layer or table of the web map as the API returns it, group layers holding their children.</summary>
public sealed record WebMapLayerNode(
    string Id,
    string Title,
    string LayerType,
    string? Url,
    bool Visible,
    double Opacity,
    string? DefinitionExpression,
    IReadOnlyList<WebMapLayerNode> Children)
{
    public static WebMapLayerNode From(WebMapLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new(layer.Id, layer.Title ?? layer.Id, layer.LayerTypeName ?? layer.LayerType.ToString(), layer.Url, layer.Visibility, layer.Opacity,
            layer.DefinitionExpression, [.. layer.Children.Select(From)]);
    }
}

/// <summary>A web map with its item: what the web map page and <c>GET /api/v1/webmaps/{id}</c> show.</summary>
public sealed record WebMapDetails(PortalItem Item, WebMap Map)
{
    public string Id => Item.Id;

    public string Title => Item.Title;

    /// <summary>The layers the preview draws (basemap, operational layers flattened out of their groups, reference layers).</summary>
    public IReadOnlyList<WebMapPreviewLayer> PreviewLayers { get; init; } = [];

    /// <summary>Where the preview first looks, in WGS84 (the item's extent, else the map's initial view).</summary>
    public EsriEnvelope? Extent { get; init; }
}

/// <summary>A thumbnail read from the portal (PNG, JPEG, GIF or WebP), small enough to keep in memory.</summary>
public sealed record WebMapThumbnail(byte[] Content, string ContentType);

/// <summary>Why the catalog could not answer.</summary>
public enum WebMapCatalogFailure
{
    /// <summary>The id is not a portal item id, or the item does not exist or is not a web map.</summary>
    NotFound,

    /// <summary>The request is malformed (e.g. a search the portal cannot parse).</summary>
    BadRequest,

    /// <summary>The portal cannot be reached or refused the server's credential.</summary>
    Unavailable,
}

/// <summary>A web map question the portal could not answer, with a message a supervisor can act on.</summary>
public sealed class WebMapCatalogException(WebMapCatalogFailure failure, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public WebMapCatalogFailure Failure { get; } = failure;
}
