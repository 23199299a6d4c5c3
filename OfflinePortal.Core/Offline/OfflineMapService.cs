using System.Globalization;
using System.Runtime.CompilerServices;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Geometry;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

/// <summary>A tiled or vector tile layer the new-job form offers levels for.</summary>
/// <param name="LayerId">The web map layer id (the key of its overrides).</param>
/// <param name="Title">The layer's title.</param>
/// <param name="Kind">Tiled or vector tiles.</param>
/// <param name="TileInfo">The service's tiling scheme (its real levels).</param>
/// <param name="MaxExportTilesCount">The service's tile limit.</param>
public sealed record TileLayerScheme(string LayerId, string Title, OfflineLayerKind Kind, TileInfo TileInfo, long? MaxExportTilesCount)
{
    public IReadOnlyList<ScaleLevel> Levels => MapScales.Levels(TileInfo);
}

/// <summary>Everything the new-job form starts from: the area, its web map, the defaults, the capabilities and the levels to pick from.</summary>
public sealed record NewJobSetup(
    Area Area,
    string WebMapId,
    string WebMapTitle,
    OfflineMapCapabilities Capabilities,
    IReadOnlyList<ScaleLevel> ScaleLevels,
    IReadOnlyList<TileLayerScheme> TileLayers)
{
    /// <summary>The author's defaults for this area; null when the area cannot be used (see <see cref="AreaError"/>).</summary>
    public GenerateOfflineMapParameters? Defaults { get; init; }

    /// <summary>Why the area cannot be taken offline (empty, self-intersecting, too large …), in words for the supervisor.</summary>
    public string? AreaError { get; init; }
}

/// <summary>A job as the new-job form asks for it.</summary>
public sealed record NewJobRequest(int AreaId, string WebMapId, GenerateOfflineMapParameters Parameters, GenerateOfflineMapParameterOverrides? Overrides);

/// <summary>
/// What the web map and new-job pages (and the API) need from the offline engine, composed: an
/// <see cref="OfflineMapTask"/> per web map (opened once and kept briefly, since opening reads every service's
/// description), its capability report, the defaults and the levels to pick from for an area, overrides with the
/// supervisor's edits, estimates, and starting a job only when the options and the estimate allow it.
/// </summary>
public sealed class OfflineMapService(
    OfflineMapTaskFactory factory,
    PortalAccessProvider access,
    AreaService areas,
    JobService jobs,
    Microsoft.Extensions.Options.IOptions<OfflineMapOptions> options,
    TimeProvider time)
{
    private static readonly TimeSpan TaskLifetime = TimeSpan.FromMinutes(2);

    private readonly ShortLivedCache<OfflineMapTask> _tasks = new(TaskLifetime, 32, time);

    /// <summary>The largest area a job may cover, in square kilometres (<c>Offline:MaxAreaSquareKilometres</c>).</summary>
    public double MaxAreaSquareKilometres => options.Value.MaxAreaSquareKilometres;

    /// <summary>The web map opened for offline use (cached for a short while per portal and credential).</summary>
    /// <exception cref="WebMapCatalogException">Not a web map id, no such web map, or the portal cannot answer.</exception>
    public async Task<OfflineMapTask> GetTaskAsync(string webMapId, CancellationToken cancellationToken)
    {
        if (!WebMapCatalog.IsItemId(webMapId))
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.NotFound, "That is not a web map id.");
        }
        PortalAccess source;
        try
        {
            source = await access.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new WebMapCatalogException(WebMapCatalogFailure.Unavailable, e.Message, e);
        }
        var key = string.Create(CultureInfo.InvariantCulture,
            $"{source.PortalUrl.OriginalString}|{RuntimeHelpers.GetHashCode(source.Credential)}|{webMapId.Trim().ToLowerInvariant()}");
        try
        {
            return await _tasks.GetOrLoadAsync(key, ct => factory.CreateAsync(source.PortalUrl, webMapId.Trim(), source.Credential, ct), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OfflineMapTaskException e)
        {
            var failure = e.InnerException is ArcGis.ArcGisConnectionException ? WebMapCatalogFailure.Unavailable : WebMapCatalogFailure.NotFound;
            throw new WebMapCatalogException(failure, e.Message, e);
        }
    }

    /// <summary>What each layer and table of the web map can do offline, and why.</summary>
    public async Task<OfflineMapCapabilities> GetCapabilitiesAsync(string webMapId, CancellationToken cancellationToken)
    {
        var task = await GetTaskAsync(webMapId, cancellationToken).ConfigureAwait(false);
        return await task.GetOfflineMapCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The form's starting point for <paramref name="areaId"/>: its web map's capabilities, the levels of its tiled
    /// layers, and the author's defaults for the area (or the reason the area cannot be used). Null when the area does
    /// not exist.
    /// </summary>
    public async Task<NewJobSetup?> PrepareAsync(int areaId, CancellationToken cancellationToken)
    {
        var area = await areas.GetAreaAsync(areaId, cancellationToken).ConfigureAwait(false);
        if (area is null)
        {
            return null;
        }
        var task = await GetTaskAsync(area.WebMapId, cancellationToken).ConfigureAwait(false);
        var capabilities = await task.GetOfflineMapCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        var schemes = TileLayers(task);
        var setup = new NewJobSetup(area, task.ItemId, task.Item.Title, capabilities,
            MapScales.Levels(schemes.Select(s => s.TileInfo)), schemes);
        EsriGeometry geometry;
        try
        {
            geometry = AreaGeometry(area.GeoJson);
        }
        catch (AreaOfInterestException e)
        {
            return setup with { AreaError = e.Message };
        }
        try
        {
            var defaults = await task.CreateDefaultGenerateOfflineMapParametersAsync(geometry, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (defaults.ItemInfo?.Thumbnail is { } thumbnail && ItemThumbnail.Validate(thumbnail) is not null)
            {
                // The portal's own thumbnail is not a PNG or JPEG the package can carry: the package draws one from the area.
                defaults = defaults with { ItemInfo = defaults.ItemInfo with { Thumbnail = null } };
            }
            return setup with { Defaults = defaults };
        }
        catch (AreaOfInterestException e)
        {
            return setup with { AreaError = e.Message };
        }
    }

    /// <summary>
    /// The overrides the parameters imply, with the supervisor's <paramref name="edits"/> applied. Throws
    /// <see cref="RequestValidationException"/> (field "parameters") when the parameters cannot be used.
    /// </summary>
    public async Task<GenerateOfflineMapParameterOverrides> CreateOverridesAsync(string webMapId, GenerateOfflineMapParameters parameters,
        OfflineOverrideEdits? edits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var task = await GetTaskAsync(webMapId, cancellationToken).ConfigureAwait(false);
        try
        {
            var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters, cancellationToken).ConfigureAwait(false);
            if (edits is null || edits.IsEmpty)
            {
                return overrides;
            }
            var capabilities = await task.GetOfflineMapCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
            return edits.Apply(overrides, capabilities);
        }
        catch (ArgumentException e)
        {
            throw RequestValidationException.For("parameters", e.Message);
        }
    }

    /// <summary>
    /// What a job would download with these options. Throws <see cref="RequestValidationException"/> when the options,
    /// overrides or area cannot be used (the message says why).
    /// </summary>
    public async Task<OfflineMapEstimate> EstimateAsync(string webMapId, GenerateOfflineMapParameters parameters,
        GenerateOfflineMapParameterOverrides? overrides, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var task = await GetTaskAsync(webMapId, cancellationToken).ConfigureAwait(false);
        try
        {
            return await task.EstimateAsync(parameters, overrides, cancellationToken).ConfigureAwait(false);
        }
        catch (AreaOfInterestException e)
        {
            throw RequestValidationException.For("area", e.Message);
        }
        catch (ArgumentException e)
        {
            throw RequestValidationException.For(overrides is null ? "parameters" : "overrides", e.Message);
        }
    }

    /// <summary>
    /// The estimate for an area given as GeoJSON (WGS84), with parameters and overrides as <see cref="OfflineJson"/> text
    /// (the API's form). The area is the area of interest whatever the parameters hold (as for jobs); absent parameters
    /// are the author's defaults for the area. Problems are <see cref="RequestValidationException"/>s naming the field.
    /// </summary>
    public async Task<OfflineMapEstimate> EstimateAsync(string webMapId, string areaGeoJson, string? parametersJson, string? overridesJson,
        CancellationToken cancellationToken)
    {
        EsriGeometry geometry;
        try
        {
            geometry = AreaGeometry(areaGeoJson);
        }
        catch (AreaOfInterestException e)
        {
            throw RequestValidationException.For("area", e.Message);
        }
        var task = await GetTaskAsync(webMapId, cancellationToken).ConfigureAwait(false);
        GenerateOfflineMapParameters parameters;
        try
        {
            parameters = string.IsNullOrWhiteSpace(parametersJson)
                ? await task.CreateDefaultGenerateOfflineMapParametersAsync(geometry, cancellationToken: cancellationToken).ConfigureAwait(false)
                : OfflineJson.DeserializeParameters(OfflineMapJobRunner.WithArea(parametersJson, geometry));
        }
        catch (AreaOfInterestException e)
        {
            throw RequestValidationException.For("area", e.Message);
        }
        catch (ArgumentException e)
        {
            throw RequestValidationException.For("parametersJson", e.Message);
        }
        GenerateOfflineMapParameterOverrides? overrides;
        try
        {
            overrides = string.IsNullOrWhiteSpace(overridesJson) ? null : OfflineJson.DeserializeOverrides(overridesJson);
        }
        catch (ArgumentException e)
        {
            throw RequestValidationException.For("overridesJson", e.Message);
        }
        return await EstimateAsync(webMapId, parameters, overrides, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the request again on the server (parameters, thumbnail, area, the estimate's tile limits) and, when it can
    /// run, stores the job (parameters and overrides as <see cref="OfflineJson"/>) and queues it. Nothing is stored when
    /// anything is wrong: the <see cref="RequestValidationException"/> says what, by field.
    /// </summary>
    public async Task<Job> StartAsync(NewJobRequest request, JobActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var area = await areas.GetAreaAsync(request.AreaId, cancellationToken).ConfigureAwait(false)
            ?? throw RequestValidationException.For("areaId", $"Area {request.AreaId} does not exist.");
        if (!string.Equals(area.WebMapId, request.WebMapId, StringComparison.OrdinalIgnoreCase))
        {
            throw RequestValidationException.For("webMapId", $"Area '{area.Name}' belongs to web map {area.WebMapId}, not {request.WebMapId}.");
        }
        var errors = OfflineJobRequestValidator.ValidateOptions(request.Parameters);
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors);
        }
        // The job always covers the area as stored, whatever geometry the request carried.
        var parameters = request.Parameters with { AreaOfInterest = AreaGeometry(area.GeoJson) };
        var estimate = await EstimateAsync(area.WebMapId, parameters, request.Overrides, cancellationToken).ConfigureAwait(false);
        if (!estimate.CanRun)
        {
            throw new RequestValidationException(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["estimate"] = [.. estimate.LimitViolations] });
        }
        var task = await GetTaskAsync(area.WebMapId, cancellationToken).ConfigureAwait(false);
        return await jobs.CreateAsync(new CreateJobRequest(
                area.Id,
                task.ItemId,
                task.Item.Title,
                OfflineJson.Serialize(parameters),
                request.Overrides is null ? null : OfflineJson.Serialize(request.Overrides)),
            actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tiled and vector tile layers that can go offline, with their tiling schemes.</summary>
    public static IReadOnlyList<TileLayerScheme> TileLayers(OfflineMapTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var result = new List<TileLayerScheme>();
        foreach (var a in task.Analysis.Layers.Where(l => l.CanGoOffline))
        {
            if (a.TiledService is { TileInfo: { } tiled } service)
            {
                result.Add(new TileLayerScheme(a.Id, a.Title, OfflineLayerKind.TiledLayer, tiled, service.MaxExportTilesCount));
            }
            else if (a.VectorTileService is { TileInfo: { } vector } vectorService)
            {
                result.Add(new TileLayerScheme(a.Id, a.Title, OfflineLayerKind.VectorTileLayer, vector, vectorService.MaxExportTilesCount));
            }
        }
        return result;
    }

    /// <summary>An area's GeoJSON (WGS84) as the engine's geometry; a GeoJSON that is no polygon is refused as an unusable area.</summary>
    public static EsriGeometry AreaGeometry(string geoJson)
    {
        try
        {
            return GeoJson.ReadGeometry(geoJson);
        }
        catch (FormatException e)
        {
            throw new AreaOfInterestException("The area's GeoJSON cannot be read: " + e.Message);
        }
    }
}
