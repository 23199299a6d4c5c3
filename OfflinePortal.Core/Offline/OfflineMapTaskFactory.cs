using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

/// <summary>The web map could not be opened for offline use (unknown item, not a web map, portal unreachable or refusing).</summary>
public sealed class OfflineMapTaskException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>Creates <see cref="OfflineMapTask"/>s: one per web map item, portal and credential.</summary>
public sealed class OfflineMapTaskFactory
{
    private readonly OfflineEngineServices _services;

    public OfflineMapTaskFactory(ArcGisPortalClient portal, FeatureServiceClient features, TiledServiceClient tiles, VectorTileServiceClient vectorTiles,
        PackageManifestWriter manifestWriter, OfflineJobLogProvider logScopes, IOptions<OfflineMapOptions> options, TimeProvider timeProvider,
        ILogger<GenerateOfflineMapJob> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = new OfflineEngineServices(portal, features, tiles, vectorTiles, manifestWriter, logScopes, options.Value, timeProvider, logger);
    }

    /// <summary>
    /// Loads the web map item, its web map and, in parallel, the description of every service it uses (each service
    /// once). A service that cannot be read does not fail this: it shows in the capabilities as an error.
    /// </summary>
    /// <param name="portalUrl">The portal in any usual form (<c>https://www.arcgis.com</c>, <c>…/portal</c>, <c>…/sharing/rest</c>).</param>
    /// <exception cref="OfflineMapTaskException">The item does not exist, is not a web map, or the portal cannot be used.</exception>
    public async Task<OfflineMapTask> CreateAsync(Uri portalUrl, string webMapItemId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(portalUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(webMapItemId);
        credential ??= ArcGisCredential.Anonymous;
        var sharing = ArcGisUrl.NormalizePortalUrl(portalUrl);
        var portal = _services.Portal;
        PortalItem item;
        WebMap map;
        try
        {
            var itemTask = portal.GetItemAsync(sharing, webMapItemId, credential, cancellationToken);
            var mapTask = portal.GetWebMapAsync(sharing, webMapItemId, credential, cancellationToken);
            try
            {
                await Task.WhenAll(itemTask, mapTask).ConfigureAwait(false);
            }
            catch (Exception) when (itemTask.IsCompletedSuccessfully)
            {
                // The item was read: what it is decides the message (the data of a non-map item is no web map).
            }
            item = await itemTask.ConfigureAwait(false);
            if (!item.IsWebMap)
            {
                throw new OfflineMapTaskException($"Item {webMapItemId} ('{item.Title}') is a {item.Type}, not a web map.");
            }
            map = await mapTask.ConfigureAwait(false);
        }
        catch (ArcGisServiceException e) when (e.IsNotFound || e.Code == 400)
        {
            throw new OfflineMapTaskException($"The portal {ArcGisUrl.Redact(sharing)} has no item {webMapItemId}, or it is not shared with this account.", e);
        }
        catch (ArcGisServiceException e) when (e.IsTokenRequired || e.IsTokenInvalid || e.IsPermissionDenied || e.Code == 401)
        {
            throw new OfflineMapTaskException($"The portal refused to show item {webMapItemId} to this account: {e.ServiceMessage}. Sign in with an account it is shared with.", e);
        }
        catch (ArcGisConnectionException e)
        {
            throw new OfflineMapTaskException($"The portal {ArcGisUrl.Redact(sharing)} cannot be reached: {e.Message}", e);
        }
        catch (ArcGisException e)
        {
            throw new OfflineMapTaskException($"Item {webMapItemId} could not be read from {ArcGisUrl.Redact(sharing)}: {e.Message}", e);
        }
        catch (WebMapFormatException e)
        {
            throw new OfflineMapTaskException($"Item {webMapItemId} does not hold a usable web map: {e.Message}", e);
        }
        var catalog = new ServiceCatalog(_services.Features, _services.Tiles, _services.VectorTiles, credential, _services.Options.MaxConcurrentMetadataRequests);
        var analysis = await OfflineLayerAnalyzer.AnalyzeAsync(map, catalog, cancellationToken).ConfigureAwait(false);
        return new OfflineMapTask(_services, sharing, webMapItemId, item, map, credential, catalog, analysis);
    }
}
