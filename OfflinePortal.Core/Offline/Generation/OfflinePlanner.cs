using System.Globalization;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Geometry;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Turns the map's analysis and the caller's choices into work: default parameters from the author's offline
/// settings, the layer-by-layer overrides those parameters imply, and the plan a job runs (always made from
/// overrides, so that a job with overrides and one without go through the same code).
/// </summary>
internal sealed class OfflinePlanner(WebMap map, MapAnalysis analysis, ServiceCatalog catalog, double maxAreaSquareKilometres)
{
    // ------------------------------------------------------------------ default parameters

    /// <summary>Parameters as the map's author set them up (<c>applicationProperties.offline</c>), for this area.</summary>
    public GenerateOfflineMapParameters CreateDefaultParameters(EsriGeometry areaOfInterest, double? minScale, double? maxScale, OfflineMapItemInfo itemInfo)
    {
        AreaOfInterest.Create(areaOfInterest, maxAreaSquareKilometres);
        var offline = map.Offline;
        var schemaOnly = offline.EditableLayersDownload == EditableLayersDownload.None
            || offline.EditableLayersSync == EditableLayersSync.UploadFeaturesAndAttachments;
        var editableAttachments = offline.EditableLayersDownload == EditableLayersDownload.FeaturesAndAttachments && !schemaOnly;
        var readOnlyAttachments = offline.ReadOnlyLayersDownloadAttachments;
        var option = (editableAttachments, readOnlyAttachments) switch
        {
            (true, true) => ReturnLayerAttachmentOption.AllLayers,
            (true, false) => ReturnLayerAttachmentOption.EditableLayers,
            (false, true) => ReturnLayerAttachmentOption.ReadOnlyLayers,
            _ => ReturnLayerAttachmentOption.None,
        };
        var direction = offline.EditableLayersSync == EditableLayersSync.SyncFeaturesAndAttachments
            ? AttachmentSyncDirection.Bidirectional
            : AttachmentSyncDirection.Upload;
        if (option == ReturnLayerAttachmentOption.None && direction == AttachmentSyncDirection.Bidirectional)
        {
            // Nothing downloaded, so nothing to keep in step: new attachments taken in the field are still uploaded.
            direction = AttachmentSyncDirection.Upload;
        }
        return new GenerateOfflineMapParameters
        {
            AreaOfInterest = areaOfInterest,
            MinScale = minScale ?? 0,
            MaxScale = maxScale ?? 0,
            IncludeBasemap = true,
            ReferenceBasemapFilename = offline.ReferenceBasemapName,
            OnlineOnlyServicesOption = offline.ConnectedOnlineLayerIds.Count > 0
                ? GenerateOfflineMapOnlineOnlyServicesOption.UseAuthoredSettings
                : GenerateOfflineMapOnlineOnlyServicesOption.Exclude,
            UpdateMode = GenerateOfflineMapUpdateMode.SyncWithFeatureServices,
            ReturnSchemaOnlyForEditableLayers = schemaOnly,
            ReturnLayerAttachmentOption = option,
            AttachmentSyncDirection = direction,
            ItemInfo = itemInfo,
        };
    }

    // ------------------------------------------------------------------ overrides from parameters

    /// <summary>The per-layer form of <paramref name="parameters"/>, and notes where a service had to adapt them.</summary>
    public (GenerateOfflineMapParameterOverrides Overrides, IReadOnlyList<string> Notes) CreateOverrides(GenerateOfflineMapParameters parameters)
    {
        ThrowIfInvalid(parameters);
        // The overrides keep the area as given; checked here so that a bad area is refused before anything is made.
        AreaOfInterest.Create(parameters.AreaOfInterest, maxAreaSquareKilometres);
        var overrides = new GenerateOfflineMapParameterOverrides();
        var notes = new List<string>();
        var claimed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var services = new Dictionary<string, List<LayerAnalysis>>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in analysis.Layers.Where(l => l.Source != LayerSource.Group))
        {
            var (status, _) = Decide(a, parameters);
            switch (status)
            {
                case PlannedStatus.Offline when a.Source == LayerSource.FeatureService:
                    if (claimed.Add(a.FeatureKey!))
                    {
                        var key = ServiceKey(a.Service!.ServiceUrl);
                        if (!services.TryGetValue(key, out var list))
                        {
                            services[key] = list = [];
                        }
                        list.Add(a);
                    }
                    break;
                case PlannedStatus.Offline when a.Source == LayerSource.TiledService:
                    var tileInfo = a.TiledService!.TileInfo!;
                    overrides.ExportTileCacheParameters[a.Id] = new ExportTileCacheParameters
                    {
                        ServiceUrl = ServiceKey(a.Service!.ServiceUrl),
                        AreaOfInterest = parameters.AreaOfInterest,
                        LevelIds = TileMath.LevelsForScaleRange(tileInfo, parameters.MinScale, parameters.MaxScale),
                    };
                    break;
                case PlannedStatus.Offline when a.Source == LayerSource.VectorTileService:
                    overrides.ExportVectorTilesParameters[a.Id] = new ExportVectorTilesParameters
                    {
                        ServiceUrl = ServiceKey(a.Service!.ServiceUrl),
                        AreaOfInterest = parameters.AreaOfInterest,
                        MaxLevel = VectorMaxLevel(a, parameters.MaxScale),
                    };
                    break;
                case PlannedStatus.OnlineOnly:
                    (a.Kind == OfflineLayerKind.Table ? overrides.OnlineOnlyTables : overrides.OnlineOnlyLayers).Add(a.Id);
                    break;
                case PlannedStatus.Omitted:
                    overrides.OmittedLayers.Add(a.Id);
                    break;
            }
        }
        foreach (var (key, layers) in services)
        {
            overrides.GenerateGeodatabaseParameters[key] = GeodatabaseParameters(key, layers, parameters, notes);
        }
        return (overrides, notes);
    }

    /// <summary>What the parameters alone make of a layer (the overrides then record it).</summary>
    private static (PlannedStatus Status, string Reason) Decide(LayerAnalysis a, GenerateOfflineMapParameters p)
    {
        if (a.Layer.IsBasemap && !p.IncludeBasemap)
        {
            return (PlannedStatus.Omitted, "The basemap is left out (include basemap is off).");
        }
        if (a.Layer.IsBasemap && p.UsesReferenceBasemap)
        {
            return (PlannedStatus.Omitted, $"Replaced by the reference basemap '{p.ReferenceBasemapFilename}' on the device.");
        }
        if (p.OnlineOnlyServicesOption == GenerateOfflineMapOnlineOnlyServicesOption.UseAuthoredSettings && a.IsAuthoredOnlineOnly)
        {
            return (PlannedStatus.OnlineOnly, "The map's author keeps it online (connectedOnlineLayers).");
        }
        if (a.Failure is not null)
        {
            return (PlannedStatus.Failed, a.Reason);
        }
        if (a.CanGoOffline)
        {
            return (PlannedStatus.Offline, a.Reason);
        }
        return p.OnlineOnlyServicesOption == GenerateOfflineMapOnlineOnlyServicesOption.Include
            ? (PlannedStatus.OnlineOnly, a.Reason + " It stays in the offline map as an online layer.")
            : (PlannedStatus.Omitted, a.Reason + " Layers that cannot go offline are left out.");
    }

    private static GenerateGeodatabaseParameters GeodatabaseParameters(string serviceKey, List<LayerAnalysis> layers, GenerateOfflineMapParameters p,
        List<string> notes)
    {
        var service = layers[0].FeatureService!;
        var snapshot = layers[0].IsSnapshot;
        var editable = !snapshot && service.SupportsEditing;
        var ids = layers.Select(l => l.LayerInfo!.Id).ToHashSet();
        var options = new List<GenerateLayerOption>();
        foreach (var a in layers.OrderBy(l => l.LayerInfo!.Id))
        {
            var info = a.LayerInfo!;
            var where = p.IsDefinitionExpressionFilterEnabled ? a.Layer.DefinitionExpression : null;
            var isTable = info.IsTable || info.GeometryType == EsriGeometryType.None;
            var isDestination = info.Relationships.Any(r => !r.IsOrigin && ids.Contains(r.RelatedTableId))
                || layers.Any(o => o.LayerInfo!.Relationships.Any(r => r.IsOrigin && r.RelatedTableId == info.Id));
            GenerateLayerOption option;
            if (editable && p.ReturnSchemaOnlyForEditableLayers)
            {
                option = new GenerateLayerOption { LayerId = info.Id, QueryOption = GenerateLayerQueryOption.None, UseGeometry = !isTable, IncludeRelated = false };
            }
            else if (isTable && isDestination && p.DestinationTableRowFilter == DestinationTableRowFilter.RelatedOnly)
            {
                option = new GenerateLayerOption { LayerId = info.Id, QueryOption = GenerateLayerQueryOption.None, UseGeometry = false, IncludeRelated = true };
            }
            else if (isTable)
            {
                option = where is null
                    ? new GenerateLayerOption { LayerId = info.Id, QueryOption = GenerateLayerQueryOption.All, UseGeometry = false }
                    : new GenerateLayerOption { LayerId = info.Id, QueryOption = GenerateLayerQueryOption.UseFilter, WhereClause = where, UseGeometry = false };
            }
            else
            {
                option = new GenerateLayerOption { LayerId = info.Id, QueryOption = GenerateLayerQueryOption.UseFilter, WhereClause = where, UseGeometry = true };
            }
            options.Add(option);
        }

        var title = ServiceTitle(new Uri(serviceKey));
        var anyAttachments = layers.Any(l => l.LayerInfo!.HasAttachments);
        var wanted = p.ReturnLayerAttachmentOption switch
        {
            ReturnLayerAttachmentOption.AllLayers => true,
            ReturnLayerAttachmentOption.ReadOnlyLayers => !editable,
            ReturnLayerAttachmentOption.EditableLayers => editable,
            _ => false,
        };
        var returnAttachments = wanted && anyAttachments;
        var direction = p.AttachmentSyncDirection;
        if (snapshot || p.UpdateMode == GenerateOfflineMapUpdateMode.NoUpdates)
        {
            direction = AttachmentSyncDirection.None;
        }
        else if (!returnAttachments && direction == AttachmentSyncDirection.Bidirectional)
        {
            direction = editable ? AttachmentSyncDirection.Upload : AttachmentSyncDirection.None;
            if (anyAttachments && p.ReturnLayerAttachmentOption != ReturnLayerAttachmentOption.None)
            {
                notes.Add(editable
                    ? $"{title} is editable and attachments were asked for read-only layers only: its replica takes no attachments, and new attachments are uploaded (attachment sync 'upload' instead of 'bidirectional')."
                    : $"{title} is read-only and attachments were asked for editable layers only: its replica takes no attachments and does not sync them (attachment sync 'none' instead of 'bidirectional').");
            }
        }
        else if (!editable && !returnAttachments && direction == AttachmentSyncDirection.Upload)
        {
            direction = AttachmentSyncDirection.None;
        }
        var syncModel = snapshot || p.UpdateMode == GenerateOfflineMapUpdateMode.NoUpdates
            ? SyncModel.None
            : service.SyncCapabilities.SupportsPerLayerSync || !service.SyncCapabilities.SupportsPerReplicaSync ? SyncModel.Layer : SyncModel.Geodatabase;
        return new GenerateGeodatabaseParameters
        {
            ServiceUrl = serviceKey,
            // The area as given: overrides keep it whole (an area across the antimeridian stays one area); the job
            // sends each service the split form in its spatial reference.
            Extent = p.AreaOfInterest,
            LayerOptions = options,
            ReturnAttachments = returnAttachments,
            AttachmentSyncDirection = direction,
            SyncModel = syncModel,
            IsSnapshot = snapshot,
        };
    }

    /// <summary>Web Mercator for services in Web Mercator, WGS 84 otherwise (every server projects WGS 84 input).</summary>
    private static SpatialReference ExtentSpatialReference(FeatureServiceInfo service, IEnumerable<LayerInfo> layers)
    {
        var reference = service.SpatialReference ?? layers.Select(l => l.SpatialReference).FirstOrDefault(s => s is not null);
        return reference?.IsWebMercator == true ? SpatialReference.WebMercator : SpatialReference.Wgs84;
    }

    private static int VectorMaxLevel(LayerAnalysis a, double maxScale)
    {
        var info = a.VectorTileService!;
        var tileInfo = info.TileInfo!;
        var levels = TileMath.LevelsForScaleRange(tileInfo, 0, maxScale);
        var max = levels.Count == 0 ? tileInfo.Lods[^1].Level : levels.Max();
        var limit = info.MaxLod ?? info.MaxZoom ?? tileInfo.Lods[^1].Level;
        return Math.Min(max, limit);
    }

    // ------------------------------------------------------------------ the plan

    /// <summary>
    /// The work a job does: <paramref name="overrides"/> used exactly (layers in none of their lists are left out),
    /// or the overrides the parameters imply when null. Two map layers on one service layer: the first takes it
    /// offline, the second fails (as in the SDK).
    /// </summary>
    /// <exception cref="ArgumentException">Parameters or overrides are invalid (the message lists every problem).</exception>
    public async Task<OfflinePlan> PlanAsync(GenerateOfflineMapParameters parameters, GenerateOfflineMapParameterOverrides? overrides, CancellationToken cancellationToken)
    {
        ThrowIfInvalid(parameters);
        var area = AreaOfInterest.Create(parameters.AreaOfInterest, maxAreaSquareKilometres);
        var notes = new List<string>();
        if (overrides is null)
        {
            var created = CreateOverrides(parameters);
            overrides = created.Overrides;
            notes.AddRange(created.Notes);
        }
        var problems = new List<string>();
        var planned = new List<PlannedLayer>();
        var claims = new Dictionary<string, LayerAnalysis>(StringComparer.OrdinalIgnoreCase);
        var featureLayers = new Dictionary<string, List<(PlannedLayer Layer, GenerateLayerOption Option)>>(StringComparer.OrdinalIgnoreCase);
        var tileUnits = new List<TileUnit>();
        var vectorUnits = new List<VectorTileUnit>();
        foreach (var a in analysis.Layers.Where(l => l.Source != LayerSource.Group))
        {
            PlannedLayer layer;
            if (overrides.OmittedLayers.Contains(a.Id))
            {
                layer = new PlannedLayer(a, PlannedStatus.Omitted, OmittedReason(a, parameters));
            }
            else if (overrides.OnlineOnlyLayers.Contains(a.Id) || overrides.OnlineOnlyTables.Contains(a.Id))
            {
                layer = new PlannedLayer(a, PlannedStatus.OnlineOnly,
                    a.IsAuthoredOnlineOnly ? "The map's author keeps it online (connectedOnlineLayers)." : a.CanGoOffline ? "Kept online by the overrides." : a.Reason);
            }
            else if (a.Failure is not null)
            {
                layer = new PlannedLayer(a, PlannedStatus.Failed, a.Reason);
            }
            else
            {
                switch (a.Source)
                {
                    case LayerSource.FeatureService:
                        var option = overrides.GenerateGeodatabaseParameters.TryGetValue(ServiceKey(a.Service!.ServiceUrl), out var gdb)
                            ? gdb.LayerOptions.FirstOrDefault(o => o.LayerId == a.Service.LayerId)
                            : null;
                        if (option is null)
                        {
                            layer = new PlannedLayer(a, PlannedStatus.Omitted, a.CanGoOffline ? "Not among the layers of its feature service's parameters (overrides)." : a.Reason);
                        }
                        else if (!a.CanGoOffline)
                        {
                            layer = new PlannedLayer(a, PlannedStatus.Failed, a.Reason);
                        }
                        else if (claims.TryGetValue(a.FeatureKey!, out var first))
                        {
                            layer = new PlannedLayer(a, PlannedStatus.Failed, OfflineLayerAnalyzer.DuplicateReason(first));
                        }
                        else
                        {
                            claims[a.FeatureKey!] = a;
                            layer = new PlannedLayer(a, PlannedStatus.Offline, a.Reason);
                            var key = ServiceKey(a.Service.ServiceUrl);
                            if (!featureLayers.TryGetValue(key, out var list))
                            {
                                featureLayers[key] = list = [];
                            }
                            list.Add((layer, option));
                        }
                        break;
                    case LayerSource.TiledService when overrides.ExportTileCacheParameters.TryGetValue(a.Id, out var export):
                        layer = a.CanGoOffline ? new PlannedLayer(a, PlannedStatus.Offline, a.Reason) : new PlannedLayer(a, PlannedStatus.Failed, a.Reason);
                        if (layer.Status == PlannedStatus.Offline && TileUnitFor(layer, export, problems) is { } tileUnit)
                        {
                            tileUnits.Add(tileUnit);
                        }
                        break;
                    case LayerSource.VectorTileService when overrides.ExportVectorTilesParameters.TryGetValue(a.Id, out var vector):
                        layer = a.CanGoOffline ? new PlannedLayer(a, PlannedStatus.Offline, a.Reason) : new PlannedLayer(a, PlannedStatus.Failed, a.Reason);
                        if (layer.Status == PlannedStatus.Offline && VectorUnitFor(layer, vector, problems) is { } vectorUnit)
                        {
                            vectorUnits.Add(vectorUnit);
                        }
                        break;
                    case LayerSource.FeatureCollection:
                        layer = new PlannedLayer(a, PlannedStatus.Offline, a.Reason);
                        break;
                    case LayerSource.TiledService or LayerSource.VectorTileService when a.CanGoOffline:
                        layer = new PlannedLayer(a, PlannedStatus.Omitted, "Not among the tile layers of the overrides.");
                        break;
                    default:
                        layer = new PlannedLayer(a, PlannedStatus.Omitted, a.Reason);
                        break;
                }
            }
            planned.Add(layer);
        }

        var featureUnits = new List<FeatureUnit>();
        foreach (var (key, gdb) in overrides.GenerateGeodatabaseParameters)
        {
            var mapLayers = featureLayers.GetValueOrDefault(key) ?? [];
            if (mapLayers.Count == 0)
            {
                continue;
            }
            var unit = await FeatureUnitForAsync(gdb, mapLayers, problems, notes, cancellationToken).ConfigureAwait(false);
            if (unit is not null)
            {
                featureUnits.Add(unit);
            }
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException("The overrides cannot be used: " + string.Join(" ", problems));
        }
        return new OfflinePlan(parameters, overrides, area, planned, featureUnits, tileUnits, vectorUnits, notes);
    }

    private static string OmittedReason(LayerAnalysis a, GenerateOfflineMapParameters p) =>
        a.Layer.IsBasemap && !p.IncludeBasemap ? "The basemap is left out (include basemap is off)."
        : a.Layer.IsBasemap && p.UsesReferenceBasemap ? $"Replaced by the reference basemap '{p.ReferenceBasemapFilename}' on the device."
        : a.Failure is not null ? a.Reason
        : !a.CanGoOffline ? a.Reason + " Layers that cannot go offline are left out."
        : "Left out by the overrides.";

    private async Task<FeatureUnit?> FeatureUnitForAsync(GenerateGeodatabaseParameters gdb, List<(PlannedLayer Layer, GenerateLayerOption Option)> mapLayers,
        List<string> problems, List<string> notes, CancellationToken cancellationToken)
    {
        var first = mapLayers[0].Layer.Analysis;
        var service = first.FeatureService!;
        var title = ServiceTitle(first.Service!.ServiceUrl);
        AreaOfInterest area;
        try
        {
            area = AreaOfInterest.Create(gdb.Extent, maxAreaSquareKilometres);
        }
        catch (AreaOfInterestException e)
        {
            problems.Add($"The extent of {title}: {e.Message}");
            return null;
        }
        var snapshot = gdb.IsSnapshot || !service.SupportsSync;
        if (!snapshot && gdb.SyncModel != SyncModel.None)
        {
            if (gdb.ReturnAttachments && gdb.AttachmentSyncDirection == AttachmentSyncDirection.None)
            {
                problems.Add($"{title}: downloaded attachments must sync ('upload' or 'bidirectional').");
            }
            if (!gdb.ReturnAttachments && gdb.AttachmentSyncDirection == AttachmentSyncDirection.Bidirectional)
            {
                problems.Add($"{title}: bidirectional attachment sync needs attachments to be downloaded.");
            }
        }
        var layers = mapLayers.Select(m => new FeatureUnitLayer(m.Option, m.Layer.Analysis.LayerInfo!, m.Layer)).ToList();
        // Service layers that a map layer shows follow that layer (omitted, kept online, failed); the others in the
        // overrides are extra layers the caller asked for.
        var shown = analysis.Layers.Where(l => l.Source == LayerSource.FeatureService && l.Service!.ServiceUrl == first.Service!.ServiceUrl)
            .Select(l => l.Service!.LayerId!.Value).ToHashSet();
        foreach (var extra in gdb.LayerOptions.Where(o => !shown.Contains(o.LayerId)))
        {
            // A layer or table the map does not show (e.g. a related table added in the overrides) still goes into the GeoPackage.
            var info = await catalog.LayerAsync(first.Service.ServiceUrl, extra.LayerId, cancellationToken).ConfigureAwait(false);
            if (info.Value is { } layerInfo)
            {
                layers.Add(new FeatureUnitLayer(extra, layerInfo, null));
            }
            else
            {
                notes.Add($"{title}: layer {extra.LayerId.ToString(CultureInfo.InvariantCulture)} of the overrides is left out: {info.Failure?.Message}");
            }
        }
        layers.Sort((a, b) => a.LayerId.CompareTo(b.LayerId));
        var extent = area.ToEsriPolygon(ExtentSpatialReference(service, layers.Select(l => l.Info)));
        return new FeatureUnit(first.Service.ServiceUrl, title, service, gdb with { IsSnapshot = snapshot }, area, extent, layers);
    }

    private TileUnit? TileUnitFor(PlannedLayer layer, ExportTileCacheParameters export, List<string> problems)
    {
        var info = layer.Analysis.TiledService!;
        var tileInfo = info.TileInfo!;
        var missing = export.LevelIds.Where(l => tileInfo.FindLevel(l) is null).ToList();
        if (export.LevelIds.Count == 0)
        {
            problems.Add($"'{layer.Title}': no tile levels are chosen.");
        }
        if (missing.Count > 0)
        {
            problems.Add($"'{layer.Title}': the service has no level {string.Join(", ", missing.Select(m => m.ToString(CultureInfo.InvariantCulture)))}.");
        }
        try
        {
            var area = AreaOfInterest.Create(export.AreaOfInterest, maxAreaSquareKilometres);
            return missing.Count == 0 && export.LevelIds.Count > 0 ? new TileUnit(layer, info, tileInfo, export, area) : null;
        }
        catch (AreaOfInterestException e)
        {
            problems.Add($"The area of '{layer.Title}': {e.Message}");
            return null;
        }
    }

    private VectorTileUnit? VectorUnitFor(PlannedLayer layer, ExportVectorTilesParameters export, List<string> problems)
    {
        var info = layer.Analysis.VectorTileService!;
        var tileInfo = info.TileInfo!;
        if (export.MaxLevel < tileInfo.Lods[0].Level || export.MaxLevel > tileInfo.Lods[^1].Level)
        {
            problems.Add(FormattableString.Invariant(
                $"'{layer.Title}': level {export.MaxLevel} is outside the service's levels {tileInfo.Lods[0].Level} to {tileInfo.Lods[^1].Level}."));
            return null;
        }
        try
        {
            var area = AreaOfInterest.Create(export.AreaOfInterest, maxAreaSquareKilometres);
            return new VectorTileUnit(layer, info, tileInfo, layer.Analysis.Style!, export, area);
        }
        catch (AreaOfInterestException e)
        {
            problems.Add($"The area of '{layer.Title}': {e.Message}");
            return null;
        }
    }

    private static void ThrowIfInvalid(GenerateOfflineMapParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = parameters.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The offline map parameters cannot be used: " + string.Join(" ", errors), nameof(parameters));
        }
    }

    /// <summary>The key of a feature service in the overrides: its root URL without a trailing slash.</summary>
    public static string ServiceKey(Uri serviceUrl) => serviceUrl.OriginalString.TrimEnd('/');

    /// <summary>A service's name from its URL (<c>…/services/Folder/Water/FeatureServer</c> → <c>Water</c>).</summary>
    public static string ServiceTitle(Uri serviceUrl)
    {
        var segments = serviceUrl.AbsolutePath.Trim('/').Split('/');
        return segments.Length >= 2 ? Uri.UnescapeDataString(segments[^2]) : serviceUrl.Host;
    }
}
