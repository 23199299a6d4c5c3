using System.Globalization;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.Geometry;

namespace OfflinePortal.Core.WebMaps;

/// <summary>
/// The source portal's web maps as the pages and the API show them: search with the portal's own paging, a web map with
/// its item and the layers the preview draws, thumbnails (read with the server's credential, kept briefly), and the
/// services a web map references (the only ones the preview proxy may reach). Items, maps and thumbnails are kept for a
/// short while, so paging back and forth or a preview's many requests do not each cost a portal round trip.
/// </summary>
public sealed class WebMapCatalog(ArcGisPortalClient portal, PortalAccessProvider access, TimeProvider time)
{
    /// <summary>The longest id accepted before asking the portal (ArcGIS item ids are 32 hex digits).</summary>
    public const int MaxItemIdLength = 100;

    /// <summary>Largest thumbnail kept or passed on.</summary>
    public const int MaxThumbnailBytes = 1024 * 1024;

    private static readonly TimeSpan MapLifetime = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ThumbnailLifetime = TimeSpan.FromMinutes(5);

    private readonly ShortLivedCache<WebMapDetails> _maps = new(MapLifetime, 64, time);
    private readonly ShortLivedCache<WebMapThumbnail?> _thumbnails = new(ThumbnailLifetime, 256, time);

    /// <summary>True for text that can be a portal item id (letters, digits, '-' and '_'); anything else is never sent to the portal.</summary>
    public static bool IsItemId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxItemIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>One page of web maps matching <paramref name="search"/>, as the portal pages them (start/num/nextStart).</summary>
    /// <exception cref="WebMapCatalogException">The search is malformed, or the portal cannot answer.</exception>
    public async Task<WebMapSearchPage> SearchAsync(WebMapSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.Start < 1)
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.BadRequest, "The first result ('start') is counted from 1.");
        }
        if (search.Num is < 1 or > WebMapSearch.MaxPageSize)
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.BadRequest,
                string.Create(CultureInfo.InvariantCulture, $"A page holds 1 to {WebMapSearch.MaxPageSize} web maps ('num')."));
        }
        var source = await AccessAsync(cancellationToken).ConfigureAwait(false);
        var criteria = new WebMapSearchCriteria
        {
            Text = search.Text,
            Owner = search.Owner,
            Tags = search.Tags,
            SortField = search.Sort,
            Descending = search.Descending,
            Start = search.Start,
            Num = search.Num,
        };
        try
        {
            var page = await portal.SearchWebMapsAsync(source.PortalUrl, criteria, source.Credential, cancellationToken).ConfigureAwait(false);
            return new WebMapSearchPage(page.Total, page.Start, page.Num, page.NextStart,
                [.. page.Results.Where(r => r.IsWebMap).Select(WebMapSummary.From)]);
        }
        catch (ArcGisServiceException e) when (e.Code == 400)
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.BadRequest, $"The portal cannot search for that: {e.ServiceMessage}", e);
        }
        catch (ArcGisException e)
        {
            throw Unavailable(source, e);
        }
    }

    /// <summary>The web map item, its parsed map, the layers the preview draws and where it looks first.</summary>
    /// <exception cref="WebMapCatalogException">Not a web map id, no such web map, or the portal cannot answer.</exception>
    public async Task<WebMapDetails> GetAsync(string id, CancellationToken cancellationToken)
    {
        var source = await AccessAsync(cancellationToken).ConfigureAwait(false);
        var itemId = CheckId(id);
        return await _maps.GetOrLoadAsync(Key(source, itemId), ct => LoadAsync(source, itemId, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The web map's thumbnail; null when it has none (or the portal's file is not a small image).</summary>
    public async Task<WebMapThumbnail?> GetThumbnailAsync(string id, CancellationToken cancellationToken)
    {
        var details = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (details.Item.Thumbnail is null)
        {
            return null;
        }
        var source = await AccessAsync(cancellationToken).ConfigureAwait(false);
        return await _thumbnails.GetOrLoadAsync(Key(source, details.Id) + "|" + details.Item.Thumbnail,
            ct => ReadThumbnailAsync(source, details.Item, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The service roots (<c>…/FeatureServer</c>, <c>…/MapServer</c>, <c>…/VectorTileServer</c> …) the web map's layers,
    /// tables and basemap use: the only URL prefixes the preview proxy passes requests to.
    /// </summary>
    public async Task<IReadOnlyList<Uri>> GetServiceRootsAsync(string id, CancellationToken cancellationToken)
    {
        var details = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        return ServiceRoots(details.Map);
    }

    /// <summary>
    /// The service root of <paramref name="target"/> when it is one the web map references (same scheme, host, port and
    /// path prefix ending at a path segment), else null. Dot segments are resolved first, so <c>…/FeatureServer/../../x</c>
    /// does not pass.
    /// </summary>
    public static Uri? MatchServiceRoot(IEnumerable<Uri> roots, Uri target)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(target.UserInfo))
        {
            return null;
        }
        // Uri resolves "." and ".." in AbsolutePath; an escaped "%2e%2e" stays escaped and cannot match a root.
        var path = target.AbsolutePath;
        foreach (var root in roots)
        {
            if (!string.Equals(root.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(root.Host, target.Host, StringComparison.OrdinalIgnoreCase)
                || root.Port != target.Port)
            {
                continue;
            }
            var rootPath = root.AbsolutePath.TrimEnd('/');
            if (path.Equals(rootPath, StringComparison.OrdinalIgnoreCase)
                || (path.StartsWith(rootPath, StringComparison.OrdinalIgnoreCase) && path.Length > rootPath.Length && path[rootPath.Length] == '/'))
            {
                return root;
            }
        }
        return null;
    }

    /// <summary>The service roots of every layer, table and basemap layer of <paramref name="map"/>, each once.</summary>
    public static IReadOnlyList<Uri> ServiceRoots(WebMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var roots = new List<Uri>();
        foreach (var layer in map.AllLayers)
        {
            var service = layer.Service ?? ArcGisServiceUrl.TryParse(layer.StyleUrl);
            if (service is not null && !roots.Contains(service.ServiceUrl))
            {
                roots.Add(service.ServiceUrl);
            }
        }
        return roots;
    }

    /// <summary>The layers the preview draws, bottom first: basemap, operational layers (out of their groups), reference layers.</summary>
    public static IReadOnlyList<WebMapPreviewLayer> PreviewLayers(WebMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new List<WebMapPreviewLayer>();
        foreach (var layer in map.Basemap.BaseLayers)
        {
            result.Add(Preview(layer, visible: layer.Visibility));
        }
        foreach (var layer in map.OperationalLayers)
        {
            AddOperational(layer, parentVisible: true);
        }
        foreach (var layer in map.Basemap.ReferenceLayers)
        {
            result.Add(Preview(layer, visible: layer.Visibility));
        }
        return result;

        void AddOperational(WebMapLayer layer, bool parentVisible)
        {
            var visible = parentVisible && layer.Visibility;
            if (layer.IsGroup)
            {
                foreach (var child in layer.Children)
                {
                    AddOperational(child, visible);
                }
                return;
            }
            result.Add(Preview(layer, visible));
        }
    }

    private static WebMapPreviewLayer Preview(WebMapLayer layer, bool visible)
    {
        var title = layer.Title ?? layer.Id;
        var service = layer.Service;
        var (kind, reason) = layer.LayerType switch
        {
            WebMapLayerType.ArcGISFeatureLayer when layer.HasFeatureCollection =>
                (WebMapPreviewKind.Unsupported, "A feature collection stored in the map; the preview draws services only."),
            WebMapLayerType.ArcGISFeatureLayer when service is { LayerId: not null } => (WebMapPreviewKind.Feature, (string?)null),
            WebMapLayerType.ArcGISTiledMapServiceLayer or WebMapLayerType.ArcGISTiledImageServiceLayer when service is not null =>
                (WebMapPreviewKind.Tiled, null),
            WebMapLayerType.ArcGISMapServiceLayer when service is not null => (WebMapPreviewKind.Dynamic, null),
            WebMapLayerType.VectorTileLayer => (WebMapPreviewKind.VectorTile, "Vector tiles are not drawn in the preview; they go offline as their tiles."),
            _ => (WebMapPreviewKind.Unsupported,
                $"A {layer.LayerTypeName ?? layer.LayerType.ToString()} layer is not drawn in the preview."),
        };
        var url = kind switch
        {
            WebMapPreviewKind.Feature => service!.Url.OriginalString,
            WebMapPreviewKind.Tiled or WebMapPreviewKind.Dynamic => service!.ServiceUrl.OriginalString,
            _ => layer.Url,
        };
        return new WebMapPreviewLayer(layer.Id, title, kind, url, layer.Opacity, visible, layer.IsBasemap)
        {
            DefinitionExpression = layer.DefinitionExpression,
            VisibleLayers = layer.VisibleLayers,
            NotDrawnReason = reason,
        };
    }

    private async Task<WebMapDetails> LoadAsync(PortalAccess source, string itemId, CancellationToken cancellationToken)
    {
        PortalItem item;
        WebMap map;
        try
        {
            item = await portal.GetItemAsync(source.PortalUrl, itemId, source.Credential, cancellationToken).ConfigureAwait(false);
            if (!item.IsWebMap)
            {
                throw new WebMapCatalogException(WebMapCatalogFailure.NotFound, $"Item {itemId} ('{item.Title}') is a {item.Type}, not a web map.");
            }
            map = await portal.GetWebMapAsync(source.PortalUrl, itemId, source.Credential, cancellationToken).ConfigureAwait(false);
        }
        catch (ArcGisServiceException e) when (e.IsNotFound || e.Code == 400)
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.NotFound,
                $"The portal has no web map {itemId}, or it is not shared with the portal's account.", e);
        }
        catch (ArcGisException e)
        {
            throw Unavailable(source, e);
        }
        catch (WebMapFormatException e)
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.NotFound, $"Item {itemId} does not hold a usable web map: {e.Message}", e);
        }
        return new WebMapDetails(item, map)
        {
            PreviewLayers = PreviewLayers(map),
            Extent = Extent(item, map),
        };
    }

    private async Task<WebMapThumbnail?> ReadThumbnailAsync(PortalAccess source, PortalItem item, CancellationToken cancellationToken)
    {
        try
        {
            await using var download = await portal.OpenThumbnailAsync(source.PortalUrl, item, source.Credential, cancellationToken).ConfigureAwait(false);
            if (download is null)
            {
                return null;
            }
            if (download.ContentLength is > MaxThumbnailBytes)
            {
                return null;
            }
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await download.Content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxThumbnailBytes)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
            var bytes = buffer.ToArray();
            return Offline.ItemThumbnail.SniffContentType(bytes) is { } type ? new WebMapThumbnail(bytes, type) : null;
        }
        catch (ArcGisException)
        {
            // A thumbnail the portal cannot give is shown as none; the list must not fail for it.
            return null;
        }
    }

    private static EsriEnvelope? Extent(PortalItem item, WebMap map)
    {
        if (item.Extent is { IsEmpty: false } extent)
        {
            return extent;
        }
        if (map.InitialViewpoint?.TargetGeometry is EsriEnvelope { IsEmpty: false } target)
        {
            var sr = target.SpatialReference ?? map.SpatialReference;
            if (sr is { IsWebMercator: true })
            {
                var (x0, y0) = WebMercator.ToLonLat(target.XMin, target.YMin);
                var (x1, y1) = WebMercator.ToLonLat(target.XMax, target.YMax);
                return new EsriEnvelope(x0, y0, x1, y1) { SpatialReference = SpatialReference.Wgs84 };
            }
            if (sr is null || sr.IsWgs84)
            {
                return target with { SpatialReference = SpatialReference.Wgs84 };
            }
        }
        return null;
    }

    private static string CheckId(string? id) =>
        IsItemId(id) ? id!.Trim() : throw new WebMapCatalogException(WebMapCatalogFailure.NotFound, "That is not a web map id.");

    private async Task<PortalAccess> AccessAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await access.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.Unavailable, e.Message, e);
        }
    }

    private static string Key(PortalAccess source, string itemId) => source.PortalUrl.OriginalString + "|" + itemId.ToLowerInvariant();

    private static WebMapCatalogException Unavailable(PortalAccess source, ArcGisException e) => e switch
    {
        ArcGisServiceException { IsTokenInvalid: true } or ArcGisServiceException { IsTokenRequired: true } or ArcGisServiceException { IsPermissionDenied: true } =>
            new WebMapCatalogException(WebMapCatalogFailure.Unavailable,
                $"The portal {source.PortalUrl} refused the portal's account ({e.Message}); an administrator can check the connection page.", e),
        _ => new WebMapCatalogException(WebMapCatalogFailure.Unavailable, $"The portal {source.PortalUrl} cannot answer: {e.Message}", e),
    };
}
