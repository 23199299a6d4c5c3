using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Packaging;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Benchmarks;

/// <summary>The offline engine as the application registers it, and the jobs the offline benchmarks run against the sample portal.</summary>
internal static class OfflineEngineSetup
{
    public const string HydrantsLayerId = "Hydrants_0";
    public const string BasemapLayerId = "Basemap_tiled";
    public const string WebMapId = SampleItemIds.HydrantMaintenanceMap;

    /// <summary>Levels 12 to 17 of the basemap over the whole town.</summary>
    public static readonly IReadOnlyList<int> TileLevels = [12, 13, 14, 15, 16, 17];

    public static ServiceProvider CreateEngine() =>
        new ServiceCollection()
            .AddLogging()
            .AddArcGisClients()
            .AddPackaging()
            .AddOfflineMaps()
            .BuildServiceProvider(validateScopes: true);

    public static string HydrantsLayerUrl(string servicesUrl) => servicesUrl + "/WaterNetwork/FeatureServer/0";

    /// <summary>The hydrants layer's description: its extent (Web Mercator) and maxRecordCount.</summary>
    public static async Task<(EsriEnvelope Extent, int MaxRecordCount)> HydrantsLayerAsync(string servicesUrl)
    {
        using var http = new HttpClient();
        var root = await http.GetFromJsonAsync<JsonElement>(HydrantsLayerUrl(servicesUrl) + "?f=json");
        var e = root.GetProperty("extent");
        var wkid = e.GetProperty("spatialReference").GetProperty("wkid").GetInt32();
        var extent = new EsriEnvelope(e.GetProperty("xmin").GetDouble(), e.GetProperty("ymin").GetDouble(), e.GetProperty("xmax").GetDouble(), e.GetProperty("ymax").GetDouble())
        {
            SpatialReference = wkid is 102100 or 3857 ? SpatialReference.WebMercator : new SpatialReference(wkid),
        };
        return (extent, root.GetProperty("maxRecordCount").GetInt32());
    }

    /// <summary>The layer's extent grown by 1% on each side, so that points on its edge are inside the area.</summary>
    public static EsriEnvelope Around(EsriEnvelope extent)
    {
        var dx = Math.Max(extent.Width * 0.01, 1);
        var dy = Math.Max(extent.Height * 0.01, 1);
        return new EsriEnvelope(extent.XMin - dx, extent.YMin - dy, extent.XMax + dx, extent.YMax + dy) { SpatialReference = extent.SpatialReference };
    }

    /// <summary>
    /// Parameters and overrides that take one feature layer of the web map (sync with the feature services, every row
    /// in the area: the layer's definition expression is not applied) and nothing else: no other layer, no basemap.
    /// </summary>
    public static async Task<(GenerateOfflineMapParameters Parameters, GenerateOfflineMapParameterOverrides Overrides)> FeatureLayerOnlyAsync(
        OfflineMapTask task, EsriGeometry area, int serviceLayerId, bool attachments)
    {
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(area);
        parameters = parameters with
        {
            IncludeBasemap = false,
            IsDefinitionExpressionFilterEnabled = false,
            UpdateMode = GenerateOfflineMapUpdateMode.SyncWithFeatureServices,
            ReturnLayerAttachmentOption = attachments ? ReturnLayerAttachmentOption.AllLayers : ReturnLayerAttachmentOption.None,
            AttachmentSyncDirection = attachments ? AttachmentSyncDirection.Bidirectional : AttachmentSyncDirection.None,
        };
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        var hydrants = task.WebMap.FindLayer(HydrantsLayerId)?.Service?.ServiceUrl.ToString()
            ?? throw new InvalidOperationException($"The web map has no layer {HydrantsLayerId}.");
        var key = overrides.GenerateGeodatabaseParameters.Keys.Single(k => hydrants.StartsWith(k, StringComparison.OrdinalIgnoreCase));
        var service = overrides.GenerateGeodatabaseParameters[key];
        overrides.GenerateGeodatabaseParameters.Clear();
        overrides.GenerateGeodatabaseParameters[key] = service with
        {
            LayerOptions = [.. service.LayerOptions.Where(o => o.LayerId == serviceLayerId).Select(o => o with { WhereClause = null, IncludeRelated = false })],
            ReturnAttachments = attachments,
            AttachmentSyncDirection = attachments ? AttachmentSyncDirection.Bidirectional : AttachmentSyncDirection.None,
        };
        overrides.ExportTileCacheParameters.Clear();
        overrides.ExportVectorTilesParameters.Clear();
        foreach (var table in task.WebMap.Tables)
        {
            overrides.OmittedLayers.Add(table.Id);
        }
        return (parameters, overrides);
    }

    /// <summary>Parameters and overrides that take only the tiled basemap, on <paramref name="levels"/>, over <paramref name="area"/>.</summary>
    public static async Task<(GenerateOfflineMapParameters Parameters, GenerateOfflineMapParameterOverrides Overrides)> BasemapOnlyAsync(
        OfflineMapTask task, EsriGeometry area, IReadOnlyList<int> levels)
    {
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(area);
        parameters = parameters with
        {
            IncludeBasemap = true,
            ReturnLayerAttachmentOption = ReturnLayerAttachmentOption.None,
            AttachmentSyncDirection = AttachmentSyncDirection.None,
        };
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        var basemap = overrides.ExportTileCacheParameters[BasemapLayerId];
        overrides.ExportTileCacheParameters.Clear();
        overrides.ExportTileCacheParameters[BasemapLayerId] = basemap with { LevelIds = levels, AreaOfInterest = area };
        overrides.ExportVectorTilesParameters.Clear();
        overrides.GenerateGeodatabaseParameters.Clear();
        foreach (var table in task.WebMap.Tables)
        {
            overrides.OmittedLayers.Add(table.Id);
        }
        return (parameters, overrides);
    }
}
