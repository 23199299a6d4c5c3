using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

/// <summary>Where a web map layer's content comes from, as far as taking it offline goes.</summary>
internal enum LayerSource
{
    Group,
    FeatureService,
    MapServerFeatureLayer,
    FeatureCollection,
    TiledService,
    VectorTileService,
    DynamicMapService,
    Other,
}

/// <summary>What the engine knows about one layer, table or basemap layer of the map, before any parameters.</summary>
internal sealed class LayerAnalysis
{
    public required WebMapLayer Layer { get; init; }

    public required LayerSource Source { get; init; }

    public required OfflineLayerKind Kind { get; init; }

    public ArcGisServiceUrl? Service { get; init; }

    public FeatureServiceInfo? FeatureService { get; init; }

    public LayerInfo? LayerInfo { get; init; }

    public TiledServiceInfo? TiledService { get; init; }

    public VectorTileServiceInfo? VectorTileService { get; init; }

    public VectorTileStyle? Style { get; init; }

    /// <summary>The service could not be read: the layer cannot be used at all.</summary>
    public ServiceFailure? Failure { get; init; }

    /// <summary>The layer's content can go offline (ignoring other layers and the author's online-only list).</summary>
    public bool CanGoOffline { get; init; }

    /// <summary>It goes offline as a replica that can sync.</summary>
    public bool CanSync { get; init; }

    /// <summary>A feature layer of a service that is not sync-enabled: copied by queries, read-only.</summary>
    public bool IsSnapshot { get; init; }

    /// <summary>The feature service allows edits (Create, Update or Delete).</summary>
    public bool IsEditable { get; init; }

    public bool IsAuthoredOnlineOnly { get; init; }

    public required string Reason { get; init; }

    public string? Remedy { get; init; }

    public string Id => Layer.Id;

    public string Title => Layer.Title ?? Layer.Id;

    /// <summary>The feature service layer this layer takes offline: "serviceUrl|layerId".</summary>
    public string? FeatureKey => Source == LayerSource.FeatureService && Service is { LayerId: { } id }
        ? Service.ServiceUrl.OriginalString.TrimEnd('/') + "|" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : null;
}

/// <summary>The analysis of every layer of a map, and the capability report made from it.</summary>
internal sealed record MapAnalysis(IReadOnlyList<LayerAnalysis> Layers)
{
    public LayerAnalysis? Find(string id) => Layers.FirstOrDefault(l => l.Id == id);
}

/// <summary>
/// Decides, for each layer of a web map, whether and how it can go offline, following the ArcGIS Maps SDK's rules
/// (sync-enabled feature services as replicas; tiled and vector tile services whose tiles may be exported; everything
/// else online only) plus one of our own: feature layers of services that are not sync-enabled but can be queried go
/// offline as read-only snapshots, as QField does.
/// </summary>
internal static class OfflineLayerAnalyzer
{
    /// <summary>The service a layer reads: its <c>url</c>, or for a vector tile layer the service its <c>styleUrl</c> lies in.</summary>
    public static ArcGisServiceUrl? ServiceOf(WebMapLayer layer) =>
        layer.Service ?? (layer.LayerType == WebMapLayerType.VectorTileLayer ? ArcGisServiceUrl.TryParse(layer.StyleUrl) : null);

    public static LayerSource SourceOf(WebMapLayer layer)
    {
        if (layer.IsGroup)
        {
            return LayerSource.Group;
        }
        if (layer.HasFeatureCollection)
        {
            return LayerSource.FeatureCollection;
        }
        var service = ServiceOf(layer);
        return layer.LayerType switch
        {
            WebMapLayerType.ArcGISFeatureLayer or WebMapLayerType.SubtypeGroupLayer or WebMapLayerType.SubtypeGroupTable or WebMapLayerType.Unknown
                when service is { ServiceType: ArcGisServiceType.FeatureServer, LayerId: not null } => LayerSource.FeatureService,
            WebMapLayerType.ArcGISFeatureLayer or WebMapLayerType.SubtypeGroupLayer or WebMapLayerType.SubtypeGroupTable or WebMapLayerType.Unknown
                when service is { ServiceType: ArcGisServiceType.MapServer, LayerId: not null } => LayerSource.MapServerFeatureLayer,
            WebMapLayerType.ArcGISTiledMapServiceLayer or WebMapLayerType.ArcGISTiledImageServiceLayer
                when service is { ServiceType: ArcGisServiceType.MapServer or ArcGisServiceType.ImageServer } => LayerSource.TiledService,
            WebMapLayerType.VectorTileLayer when service is { ServiceType: ArcGisServiceType.VectorTileServer } => LayerSource.VectorTileService,
            WebMapLayerType.ArcGISMapServiceLayer => LayerSource.DynamicMapService,
            _ => LayerSource.Other,
        };
    }

    public static async Task<MapAnalysis> AnalyzeAsync(WebMap map, ServiceCatalog catalog, CancellationToken cancellationToken)
    {
        await catalog.LoadAsync(map, cancellationToken).ConfigureAwait(false);
        var layers = new List<LayerAnalysis>(map.AllLayers.Count);
        foreach (var layer in map.AllLayers)
        {
            layers.Add(await AnalyzeAsync(map, layer, catalog, cancellationToken).ConfigureAwait(false));
        }
        return new MapAnalysis(layers);
    }

    /// <summary>
    /// The capability report: every layer, table and basemap layer with its status and reason. Two layers on the same
    /// service layer: the first (in map order) that is not kept online by the author takes it offline, the others
    /// report an error, as the SDK does.
    /// </summary>
    public static OfflineMapCapabilities Capabilities(MapAnalysis analysis)
    {
        var claims = new Dictionary<string, LayerAnalysis>(StringComparer.OrdinalIgnoreCase);
        var result = new Dictionary<string, OfflineLayerCapability>(StringComparer.Ordinal);
        foreach (var a in analysis.Layers.Where(l => l.Source != LayerSource.Group))
        {
            var capability = Capability(a);
            if (a.CanGoOffline && a.FeatureKey is { } key)
            {
                if (claims.TryGetValue(key, out var first))
                {
                    capability = a.IsAuthoredOnlineOnly
                        ? capability with
                        {
                            Status = OfflineCapabilityStatus.OnlineOnly,
                            Reason = $"It shows the same service layer as '{first.Title}', which goes offline; the map's author keeps this one online (connectedOnlineLayers).",
                        }
                        : capability with
                        {
                            Status = OfflineCapabilityStatus.Error,
                            Reason = DuplicateReason(first),
                            Remedy = "Keep one of the two layers online (overrides), or remove one of them from the map.",
                        };
                }
                else if (!a.IsAuthoredOnlineOnly)
                {
                    claims[key] = a;
                }
            }
            result[a.Id] = capability;
        }
        foreach (var group in analysis.Layers.Where(l => l.Source == LayerSource.Group))
        {
            var children = Descendants(group.Layer).Select(c => result.GetValueOrDefault(c.Id)).OfType<OfflineLayerCapability>().ToList();
            var status = children.Count == 0 ? OfflineCapabilityStatus.OnlineOnly : children.Min(c => c.Status);
            result[group.Id] = Capability(group) with { Status = status };
        }
        var ordered = analysis.Layers.Select(l => result[l.Id]).ToList();
        return new OfflineMapCapabilities(
            ordered.Where(c => c.Kind != OfflineLayerKind.Table).ToList(),
            ordered.Where(c => c.Kind == OfflineLayerKind.Table).ToList());
    }

    public static string DuplicateReason(LayerAnalysis first) =>
        $"Another layer of the map ('{first.Title}') already takes layer {first.Service?.LayerId} of this feature service offline; a service layer can go offline only once.";

    public static IEnumerable<WebMapLayer> Descendants(WebMapLayer layer) => layer.Children.SelectMany(c => Descendants(c).Prepend(c));

    private static OfflineLayerCapability Capability(LayerAnalysis a)
    {
        var status = a.Failure is not null ? OfflineCapabilityStatus.Error
            : !a.CanGoOffline ? OfflineCapabilityStatus.OnlineOnly
            : a.CanSync ? OfflineCapabilityStatus.Offline
            : OfflineCapabilityStatus.OfflineReadOnly;
        var reason = a.Reason;
        if (a.IsAuthoredOnlineOnly && a.CanGoOffline)
        {
            reason += " The map's author keeps it online (connectedOnlineLayers): it stays online while online-only services follow the authored settings.";
        }
        return new OfflineLayerCapability(a.Id, a.Title, a.Kind, status, reason)
        {
            LayerType = a.Layer.LayerTypeName ?? (a.Layer.LayerType == WebMapLayerType.Unknown ? null : a.Layer.LayerType.ToString()),
            Url = a.Layer.Url ?? a.Layer.StyleUrl,
            IsBasemap = a.Layer.IsBasemap,
            IsAuthoredOnlineOnly = a.IsAuthoredOnlineOnly,
            Remedy = a.Remedy,
        };
    }

    private static async Task<LayerAnalysis> AnalyzeAsync(WebMap map, WebMapLayer layer, ServiceCatalog catalog, CancellationToken cancellationToken)
    {
        var source = SourceOf(layer);
        var service = ServiceOf(layer);
        var authored = map.Offline.IsConnectedOnline(layer.Id);
        var typeName = layer.LayerTypeName ?? layer.LayerType.ToString();
        switch (source)
        {
            case LayerSource.Group:
                return new LayerAnalysis
                {
                    Layer = layer, Source = source, Kind = OfflineLayerKind.GroupLayer, IsAuthoredOnlineOnly = authored,
                    Reason = "A group layer: each of its layers is reported on its own; the group goes offline with them.",
                };
            case LayerSource.FeatureCollection:
                return new LayerAnalysis
                {
                    Layer = layer, Source = source, Kind = OfflineLayerKind.FeatureCollection, CanGoOffline = true, IsAuthoredOnlineOnly = authored,
                    Reason = "Its features are stored in the web map itself and go offline with the map (read-only).",
                };
            case LayerSource.FeatureService:
                return await AnalyzeFeatureLayerAsync(layer, service!, catalog, authored, cancellationToken).ConfigureAwait(false);
            case LayerSource.MapServerFeatureLayer:
                return new LayerAnalysis
                {
                    Layer = layer, Source = source, Service = service, Kind = layer.IsTable ? OfflineLayerKind.Table : OfflineLayerKind.FeatureLayer,
                    IsAuthoredOnlineOnly = authored,
                    Reason = "It is a layer of a map service (MapServer); only layers of feature services (FeatureServer) can go offline.",
                    Remedy = "Point the web map at the feature service that publishes this data, with sync enabled.",
                };
            case LayerSource.TiledService:
                return await AnalyzeTiledLayerAsync(layer, service!, catalog, authored, cancellationToken).ConfigureAwait(false);
            case LayerSource.VectorTileService:
                return await AnalyzeVectorTileLayerAsync(layer, service!, catalog, authored, cancellationToken).ConfigureAwait(false);
            case LayerSource.DynamicMapService:
                return new LayerAnalysis
                {
                    Layer = layer, Source = source, Service = service, Kind = OfflineLayerKind.Other, IsAuthoredOnlineOnly = authored,
                    Reason = "A dynamic map service layer is drawn by the server on each request; it cannot go offline.",
                    Remedy = "Use a tiled version of the service (with tile export allowed) or its feature service for offline work.",
                };
            default:
                return new LayerAnalysis
                {
                    Layer = layer, Source = source, Service = service, IsAuthoredOnlineOnly = authored,
                    Kind = layer.IsTable ? OfflineLayerKind.Table : layer.LayerType == WebMapLayerType.VectorTileLayer ? OfflineLayerKind.VectorTileLayer
                        : layer.LayerType is WebMapLayerType.ArcGISTiledMapServiceLayer or WebMapLayerType.ArcGISTiledImageServiceLayer ? OfflineLayerKind.TiledLayer
                        : layer.LayerType == WebMapLayerType.ArcGISFeatureLayer ? OfflineLayerKind.FeatureLayer
                        : OfflineLayerKind.Other,
                    Reason = OtherReason(layer, typeName),
                };
        }
    }

    private static string OtherReason(WebMapLayer layer, string typeName) => layer.LayerType switch
    {
        WebMapLayerType.WMS or WebMapLayerType.WMTS or WebMapLayerType.WFS or WebMapLayerType.OGCFeatureLayer or WebMapLayerType.WebTiledLayer =>
            $"A {typeName} layer is read from a web service on each request; it cannot go offline.",
        WebMapLayerType.KML or WebMapLayerType.CSV or WebMapLayerType.GeoJSON or WebMapLayerType.GeoRSS =>
            $"A {typeName} layer reads its file from the web; it cannot go offline.",
        WebMapLayerType.ArcGISStreamLayer => "A stream layer shows live data; it cannot go offline.",
        WebMapLayerType.OpenStreetMap or WebMapLayerType.BingMapsAerial or WebMapLayerType.BingMapsRoad or WebMapLayerType.BingMapsHybrid =>
            $"A {typeName} basemap is drawn from its provider's tiles, whose export is not allowed; it cannot go offline.",
        WebMapLayerType.ArcGISFeatureLayer or WebMapLayerType.ArcGISTiledMapServiceLayer or WebMapLayerType.ArcGISTiledImageServiceLayer
            or WebMapLayerType.VectorTileLayer =>
            $"Its address ({ArcGisUrl.Redact(layer.Url ?? layer.StyleUrl ?? "none")}) is not an ArcGIS service the layer type needs; it cannot go offline.",
        WebMapLayerType.Unknown => $"The layer type '{layer.LayerTypeName ?? "(none)"}' is not known; it cannot go offline.",
        _ => $"A {typeName} layer cannot go offline.",
    };

    private static async Task<LayerAnalysis> AnalyzeFeatureLayerAsync(WebMapLayer layer, ArcGisServiceUrl service, ServiceCatalog catalog, bool authored,
        CancellationToken cancellationToken)
    {
        var serviceInfo = await catalog.FeatureServiceAsync(service.ServiceUrl, cancellationToken).ConfigureAwait(false);
        var layerInfo = await catalog.LayerAsync(service.ServiceUrl, service.LayerId!.Value, cancellationToken).ConfigureAwait(false);
        var kind = layer.IsTable || layerInfo.Value?.IsTable == true ? OfflineLayerKind.Table : OfflineLayerKind.FeatureLayer;
        var failure = serviceInfo.Failure ?? layerInfo.Failure;
        if (failure is not null || serviceInfo.Value is not { } info || layerInfo.Value is not { } layerMeta)
        {
            return new LayerAnalysis
            {
                Layer = layer, Source = LayerSource.FeatureService, Service = service, Kind = kind, IsAuthoredOnlineOnly = authored,
                Failure = failure, Reason = failure?.Message ?? "The feature service could not be read.", Remedy = Remedy(failure),
            };
        }
        var editable = info.SupportsEditing;
        var canQuery = info.HasCapability("Query") || layerMeta.HasCapability("Query") || string.IsNullOrWhiteSpace(info.Capabilities);
        if (info.SupportsSync && layerMeta.GlobalIdField is null)
        {
            return new LayerAnalysis
            {
                Layer = layer, Source = LayerSource.FeatureService, Service = service, Kind = kind, FeatureService = info, LayerInfo = layerMeta,
                IsAuthoredOnlineOnly = authored, IsEditable = editable,
                Reason = "The layer has no GlobalID field, which sync needs; it cannot go offline.",
                Remedy = "Add GlobalIDs to the layer in its service (sync requires them).",
            };
        }
        if (info.SupportsSync)
        {
            return new LayerAnalysis
            {
                Layer = layer, Source = LayerSource.FeatureService, Service = service, Kind = kind, FeatureService = info, LayerInfo = layerMeta,
                IsAuthoredOnlineOnly = authored, IsEditable = editable, CanGoOffline = true, CanSync = true,
                Reason = editable
                    ? "The feature service is sync-enabled and editable: the layer goes offline, can be edited and syncs both ways."
                    : "The feature service is sync-enabled but read-only (Query, Sync): the layer goes offline and receives the service's changes when it syncs.",
            };
        }
        if (canQuery)
        {
            return new LayerAnalysis
            {
                Layer = layer, Source = LayerSource.FeatureService, Service = service, Kind = kind, FeatureService = info, LayerInfo = layerMeta,
                IsAuthoredOnlineOnly = authored, IsEditable = false, CanGoOffline = true, IsSnapshot = true,
                Reason = "The feature service is not sync-enabled: the layer goes offline as a read-only snapshot (copied by queries; it cannot sync"
                    + (layerMeta.GlobalIdField is null ? " and has no GlobalIDs)." : ")."),
                Remedy = "Enable sync on the feature service to edit the layer offline and synchronise it.",
            };
        }
        return new LayerAnalysis
        {
            Layer = layer, Source = LayerSource.FeatureService, Service = service, Kind = kind, FeatureService = info, LayerInfo = layerMeta,
            IsAuthoredOnlineOnly = authored, IsEditable = editable,
            Reason = $"The feature service is neither sync-enabled nor queryable (capabilities: {info.Capabilities}); it cannot go offline.",
            Remedy = "Enable sync (or at least queries) on the feature service.",
        };
    }

    private static async Task<LayerAnalysis> AnalyzeTiledLayerAsync(WebMapLayer layer, ArcGisServiceUrl service, ServiceCatalog catalog, bool authored,
        CancellationToken cancellationToken)
    {
        var loaded = await catalog.TiledServiceAsync(service.ServiceUrl, cancellationToken).ConfigureAwait(false);
        if (loaded.Value is not { } info)
        {
            return new LayerAnalysis
            {
                Layer = layer, Source = LayerSource.TiledService, Service = service, Kind = OfflineLayerKind.TiledLayer, IsAuthoredOnlineOnly = authored,
                Failure = loaded.Failure, Reason = loaded.Failure!.Message, Remedy = Remedy(loaded.Failure),
            };
        }
        string? problem = null;
        string? remedy = null;
        if (!info.IsTiled)
        {
            problem = "The map service has no tile cache (it draws on the server); it cannot go offline.";
            remedy = "Use a cached (tiled) version of the service.";
        }
        else if (!info.ExportTilesAllowed)
        {
            problem = "The service does not allow its tiles to be exported (exportTilesAllowed is false); it cannot go offline.";
            remedy = "Ask the service's owner to allow tile export, or use another basemap for offline work.";
        }
        else if (!(info.TileInfo!.SpatialReference.IsWebMercator || info.TileInfo.SpatialReference.IsWgs84))
        {
            problem = $"Its tiling scheme is in spatial reference {info.TileInfo.SpatialReference.Epsg?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(WKT)"}; only Web Mercator and WGS 84 schemes can be packaged.";
        }
        return new LayerAnalysis
        {
            Layer = layer, Source = LayerSource.TiledService, Service = service, Kind = OfflineLayerKind.TiledLayer, TiledService = info,
            IsAuthoredOnlineOnly = authored, CanGoOffline = problem is null,
            Reason = problem ?? "Its tiles in the area are downloaded for the chosen scale range (read-only).",
            Remedy = remedy,
        };
    }

    private static async Task<LayerAnalysis> AnalyzeVectorTileLayerAsync(WebMapLayer layer, ArcGisServiceUrl service, ServiceCatalog catalog, bool authored,
        CancellationToken cancellationToken)
    {
        var loaded = await catalog.VectorTileServiceAsync(service.ServiceUrl, cancellationToken).ConfigureAwait(false);
        var style = await catalog.StyleAsync(service.ServiceUrl, ServiceCatalog.VectorStyleUrl(layer), cancellationToken).ConfigureAwait(false);
        var failure = loaded.Failure ?? style.Failure;
        if (failure is not null || loaded.Value is not { } info || style.Value is null)
        {
            return new LayerAnalysis
            {
                Layer = layer, Source = LayerSource.VectorTileService, Service = service, Kind = OfflineLayerKind.VectorTileLayer, IsAuthoredOnlineOnly = authored,
                Failure = failure, Reason = failure?.Message ?? "The vector tile service could not be read.", Remedy = Remedy(failure),
            };
        }
        string? problem = null;
        if (!info.ExportTilesAllowed)
        {
            problem = "The service does not allow its tiles to be exported (exportTilesAllowed is false); it cannot go offline.";
        }
        else if (info.TileInfo is not { } tileInfo || !tileInfo.SpatialReference.IsWebMercator || Math.Abs(tileInfo.OriginX + Geometry.WebMercator.HalfWorld) > 1)
        {
            problem = "Its tiling scheme is not the Web Mercator scheme MBTiles needs; it cannot go offline.";
        }
        return new LayerAnalysis
        {
            Layer = layer, Source = LayerSource.VectorTileService, Service = service, Kind = OfflineLayerKind.VectorTileLayer,
            VectorTileService = info, Style = style.Value, IsAuthoredOnlineOnly = authored, CanGoOffline = problem is null,
            Reason = problem ?? "Its vector tiles in the area are downloaded up to the chosen level, with the style (read-only).",
            Remedy = problem is null ? null : "Ask the service's owner to allow tile export, or use another basemap for offline work.",
        };
    }

    private static string? Remedy(ServiceFailure? failure) => failure?.Kind switch
    {
        ServiceFailureKind.Unreachable => "Check that the server is running and reachable from the portal server, then try again.",
        ServiceFailureKind.Unauthorized => "Sign in with an account the service is shared with.",
        ServiceFailureKind.NotFound => "Remove the layer from the web map or point it at the service's new address.",
        ServiceFailureKind.NotAService => "Check the layer's URL in the web map.",
        _ => null,
    };
}
