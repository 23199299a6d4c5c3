using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

/// <summary>The engine's shared parts, handed from the factory to its tasks and jobs.</summary>
internal sealed record OfflineEngineServices(
    ArcGisPortalClient Portal,
    FeatureServiceClient Features,
    TiledServiceClient Tiles,
    VectorTileServiceClient VectorTiles,
    PackageManifestWriter ManifestWriter,
    OfflineJobLogProvider LogScopes,
    OfflineMapOptions Options,
    TimeProvider Time,
    ILogger Logger);

/// <summary>
/// Takes one web map offline (the SDK's OfflineMapTask). Created by <see cref="OfflineMapTaskFactory"/>, which loads
/// the item, its web map and the description of every service the map uses; those descriptions are kept for the
/// task's lifetime, so capabilities, defaults, overrides and estimates cost no further metadata requests.
/// </summary>
/// <example>
/// <code>
/// var task = await factory.CreateAsync(portalUrl, webMapId, credential, ct);
/// var capabilities = await task.GetOfflineMapCapabilitiesAsync(ct);
/// var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(area, minScale: 150_000, maxScale: 9_000, cancellationToken: ct);
/// var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters, ct);   // optional, editable
/// var estimate = await task.EstimateAsync(parameters, overrides, ct);
/// var result = await task.GenerateOfflineMap(parameters, "/packages/crew-7", overrides).RunAsync(progress, log, ct);
/// </code>
/// </example>
public sealed class OfflineMapTask
{
    private readonly ConcurrentDictionary<string, long> _tileSizes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _thumbnailLock = new(1, 1);
    private byte[]? _thumbnail;
    private bool _thumbnailLoaded;

    internal OfflineMapTask(OfflineEngineServices services, Uri portalUrl, string itemId, PortalItem item, WebMap webMap, ArcGisCredential credential,
        ServiceCatalog catalog, MapAnalysis analysis)
    {
        Services = services;
        PortalUrl = portalUrl;
        ItemId = itemId;
        Item = item;
        WebMap = webMap;
        Credential = credential;
        Analysis = analysis;
        Planner = new OfflinePlanner(webMap, analysis, catalog, services.Options.MaxAreaSquareKilometres);
        Estimator = new OfflineMapEstimator(services.Features, services.Tiles, services.VectorTiles, credential, services.Options, _tileSizes);
    }

    /// <summary>The portal's sharing root (<c>…/sharing/rest</c>).</summary>
    public Uri PortalUrl { get; }

    public string ItemId { get; }

    /// <summary>The web map's portal item.</summary>
    public PortalItem Item { get; }

    public WebMap WebMap { get; }

    internal ArcGisCredential Credential { get; }

    internal OfflineEngineServices Services { get; }

    internal MapAnalysis Analysis { get; }

    internal OfflinePlanner Planner { get; }

    internal OfflineMapEstimator Estimator { get; }

    /// <summary>What each layer, table and basemap layer can do offline, and why (services that could not be read are reported, not thrown).</summary>
    public Task<OfflineMapCapabilities> GetOfflineMapCapabilitiesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(OfflineLayerAnalyzer.Capabilities(Analysis));
    }

    /// <summary>
    /// Parameters for <paramref name="areaOfInterest"/> following the map author's offline settings
    /// (<c>applicationProperties.offline</c>), with the item's title, snippet, description, tags and thumbnail.
    /// </summary>
    /// <param name="areaOfInterest">A polygon or envelope in WGS 84 or Web Mercator; an area across the antimeridian is split.</param>
    /// <param name="minScale">The most zoomed-out scale to take tiles for (null: the service's smallest).</param>
    /// <param name="maxScale">The most zoomed-in scale to take tiles for (null: the service's largest).</param>
    /// <exception cref="Geometry.AreaOfInterestException">The area is empty, not polygonal, self-intersecting or too large.</exception>
    public async Task<GenerateOfflineMapParameters> CreateDefaultGenerateOfflineMapParametersAsync(EsriGeometry areaOfInterest, double? minScale = null,
        double? maxScale = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(areaOfInterest);
        var itemInfo = await ItemInfoAsync(cancellationToken).ConfigureAwait(false);
        var parameters = Planner.CreateDefaultParameters(areaOfInterest, minScale, maxScale, itemInfo);
        var errors = parameters.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The scale range cannot be used: " + string.Join(" ", errors), nameof(minScale));
        }
        return parameters;
    }

    /// <summary>
    /// The layer-by-layer form of <paramref name="parameters"/>: replica options per feature service (keyed by service
    /// URL), levels per tiled layer and the most detailed level per vector tile layer (keyed by layer id), and the
    /// layers kept online or left out. Change them and pass them to <see cref="GenerateOfflineMap"/>.
    /// </summary>
    public Task<GenerateOfflineMapParameterOverrides> CreateGenerateOfflineMapParameterOverridesAsync(GenerateOfflineMapParameters parameters,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Planner.CreateOverrides(parameters).Overrides);
    }

    /// <summary>
    /// What the job would download: tiles per level (exact), their bytes from sampled tiles, feature counts from the
    /// services with the replica's filters, attachment and GeoPackage bytes from sampled features, and limits broken.
    /// </summary>
    public async Task<OfflineMapEstimate> EstimateAsync(GenerateOfflineMapParameters parameters, GenerateOfflineMapParameterOverrides? overrides = null,
        CancellationToken cancellationToken = default)
    {
        var plan = await Planner.PlanAsync(parameters, overrides, cancellationToken).ConfigureAwait(false);
        return await Estimator.EstimateAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A job that writes the package into <paramref name="downloadDirectory"/> (new or empty) when run.</summary>
    /// <param name="createdBy">Who asked for the package (recorded in the manifest).</param>
    /// <param name="temporaryDirectory">
    /// Where to build the package before it is renamed into place (new or empty, on the same volume); by default a
    /// hidden sibling of <paramref name="downloadDirectory"/> named with <see cref="OfflineMapOptions.TemporaryDirectoryMarker"/>.
    /// </param>
    public GenerateOfflineMapJob GenerateOfflineMap(GenerateOfflineMapParameters parameters, string downloadDirectory,
        GenerateOfflineMapParameterOverrides? overrides = null, string? createdBy = null, string? temporaryDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrWhiteSpace(downloadDirectory);
        return new GenerateOfflineMapJob(this, parameters, downloadDirectory, overrides, createdBy, temporaryDirectory);
    }

    /// <summary>The item's title, snippet, description, tags and thumbnail (the thumbnail read once).</summary>
    internal async Task<OfflineMapItemInfo> ItemInfoAsync(CancellationToken cancellationToken)
    {
        await _thumbnailLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_thumbnailLoaded)
            {
                try
                {
                    await using var download = await Services.Portal.OpenThumbnailAsync(PortalUrl, Item, Credential, cancellationToken).ConfigureAwait(false);
                    _thumbnail = download is null ? null : await download.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ArcGisException)
                {
                    // A thumbnail the portal cannot give is drawn from the area instead.
                    _thumbnail = null;
                }
                _thumbnailLoaded = true;
            }
        }
        finally
        {
            _thumbnailLock.Release();
        }
        return new OfflineMapItemInfo
        {
            Title = Item.Title,
            Snippet = Item.Snippet,
            Description = Item.Description,
            Tags = Item.Tags,
            AccessInformation = Item.AccessInformation,
            TermsOfUse = Item.LicenseInfo,
            Thumbnail = _thumbnail,
        };
    }
}
