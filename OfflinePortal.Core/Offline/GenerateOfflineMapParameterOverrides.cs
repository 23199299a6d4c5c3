using System.Text.Json.Serialization;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Offline;

/// <summary>Per-layer replica options inside a feature service's parameters (the SDK's GenerateLayerOption).</summary>
public sealed record GenerateLayerOption
{
    /// <summary>The layer or table id in the feature service.</summary>
    public required int LayerId { get; init; }

    public GenerateLayerQueryOption QueryOption { get; init; } = GenerateLayerQueryOption.UseFilter;

    /// <summary>The where clause (a definition expression, or one of your own); empty for all rows.</summary>
    public string? WhereClause { get; init; }

    /// <summary>Filter by the service extent; false takes every row matching the where clause, wherever it lies.</summary>
    public bool UseGeometry { get; init; } = true;

    /// <summary>
    /// Also take the layer's features that have no geometry (e.g. assets entered in the office whose location is to be
    /// captured on site), which the extent filter leaves out. Only matters with <see cref="UseGeometry"/> and
    /// <see cref="GenerateLayerQueryOption.UseFilter"/>; the where clause still applies. These rows come from a query
    /// beside the replica: edits to them sync up by GlobalID, but the replica does not bring down their server changes.
    /// </summary>
    public bool IncludeFeaturesWithNullGeometry { get; init; }

    /// <summary>Pull in rows of related tables (origin to destination).</summary>
    public bool IncludeRelated { get; init; } = true;
}

/// <summary>How one feature service becomes one GeoPackage (the SDK's GenerateGeodatabaseParameters).</summary>
public sealed record GenerateGeodatabaseParameters
{
    /// <summary>The feature service, e.g. <c>https://host/arcgis/rest/services/Water/FeatureServer</c>.</summary>
    public required string ServiceUrl { get; init; }

    /// <summary>
    /// The replica's spatial filter: a polygon or envelope in WGS84 or Web Mercator (the job sends it to the service
    /// in the service's spatial reference, split at the antimeridian when it crosses it).
    /// </summary>
    public required EsriGeometry Extent { get; init; }

    public IReadOnlyList<GenerateLayerOption> LayerOptions { get; init; } = [];

    public bool ReturnAttachments { get; init; }

    public AttachmentSyncDirection AttachmentSyncDirection { get; init; }

    public SyncModel SyncModel { get; init; } = SyncModel.Layer;

    /// <summary>True when the service cannot sync (not sync-enabled): the data comes from paged queries as a read-only snapshot.</summary>
    public bool IsSnapshot { get; init; }
}

/// <summary>Which levels of a tiled layer to take, over which area (the SDK's ExportTileCacheParameters).</summary>
public sealed record ExportTileCacheParameters
{
    /// <summary>The tiled service, e.g. <c>https://host/arcgis/rest/services/Basemap/MapServer</c>.</summary>
    public required string ServiceUrl { get; init; }

    public required EsriGeometry AreaOfInterest { get; init; }

    public IReadOnlyList<int> LevelIds { get; init; } = [];
}

/// <summary>How far to take a vector tile layer, over which area (the SDK's ExportVectorTilesParameters).</summary>
public sealed record ExportVectorTilesParameters
{
    public required string ServiceUrl { get; init; }

    public required EsriGeometry AreaOfInterest { get; init; }

    /// <summary>The most detailed level to take; levels 0 to this one are exported.</summary>
    public int MaxLevel { get; init; }
}

/// <summary>
/// The layer-by-layer form of the parameters (the SDK's GenerateOfflineMapParameterOverrides), made by
/// <c>OfflineMapTask.CreateGenerateOfflineMapParameterOverridesAsync</c> and editable before the job runs.
/// Keys: feature services by service URL; tiled and vector tile layers by the web map layer id.
/// </summary>
/// <remarks>The collections are filled in place when read from JSON, so they keep their key comparers.</remarks>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
public sealed record GenerateOfflineMapParameterOverrides
{
    public Dictionary<string, GenerateGeodatabaseParameters> GenerateGeodatabaseParameters { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ExportTileCacheParameters> ExportTileCacheParameters { get; init; } = new(StringComparer.Ordinal);

    public Dictionary<string, ExportVectorTilesParameters> ExportVectorTilesParameters { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Web map layer ids kept in the offline map as online layers (not downloaded).</summary>
    public HashSet<string> OnlineOnlyLayers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Web map table ids kept in the offline map as online tables.</summary>
    public HashSet<string> OnlineOnlyTables { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Web map layer and table ids left out of the offline map altogether.</summary>
    public HashSet<string> OmittedLayers { get; init; } = new(StringComparer.Ordinal);
}
