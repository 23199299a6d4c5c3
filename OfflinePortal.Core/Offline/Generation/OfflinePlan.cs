using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.Geometry;

namespace OfflinePortal.Core.Offline;

/// <summary>What becomes of one web map layer in a job.</summary>
internal enum PlannedStatus
{
    Offline,
    OnlineOnly,
    Omitted,
    Failed,
}

/// <summary>One layer, table or basemap layer of the map and what the job does with it.</summary>
internal sealed record PlannedLayer(LayerAnalysis Analysis, PlannedStatus Status, string Reason)
{
    public string Id => Analysis.Id;

    public string Title => Analysis.Title;

    public bool IsTable => Analysis.Kind == OfflineLayerKind.Table;
}

/// <summary>One layer or table of a feature service unit: its replica options, metadata and web map layer (if any).</summary>
internal sealed record FeatureUnitLayer(GenerateLayerOption Option, LayerInfo Info, PlannedLayer? MapLayer)
{
    public int LayerId => Info.Id;

    public string Title => MapLayer?.Title ?? Info.Name;
}

/// <summary>
/// A feature service that becomes one GeoPackage, as a replica or a read-only snapshot. <see cref="Extent"/> is the
/// area as sent to the service: split at the antimeridian, in Web Mercator for Web Mercator services, else WGS 84.
/// </summary>
internal sealed record FeatureUnit(
    Uri ServiceUrl,
    string Title,
    FeatureServiceInfo Service,
    GenerateGeodatabaseParameters Parameters,
    AreaOfInterest Area,
    EsriPolygon Extent,
    IReadOnlyList<FeatureUnitLayer> Layers)
{
    public bool IsSnapshot => Parameters.IsSnapshot || !Service.SupportsSync;

    public bool IsEditable => !IsSnapshot && Service.SupportsEditing;
}

/// <summary>A tiled layer that becomes <c>tiles/&lt;layer&gt;.gpkg</c>.</summary>
internal sealed record TileUnit(PlannedLayer Layer, TiledServiceInfo Service, TileInfo TileInfo, ExportTileCacheParameters Parameters, AreaOfInterest Area)
{
    public Uri ServiceUrl => Layer.Analysis.Service!.ServiceUrl;
}

/// <summary>A vector tile layer that becomes <c>tiles/&lt;layer&gt;.mbtiles</c> with its style.</summary>
internal sealed record VectorTileUnit(
    PlannedLayer Layer,
    VectorTileServiceInfo Service,
    TileInfo TileInfo,
    VectorTileStyle Style,
    ExportVectorTilesParameters Parameters,
    AreaOfInterest Area)
{
    public Uri ServiceUrl => Layer.Analysis.Service!.ServiceUrl;

    public IReadOnlyList<int> Levels => TileInfo.Lods.Where(l => l.Level <= Parameters.MaxLevel).Select(l => l.Level).ToList();
}

/// <summary>Everything a job (or an estimate) will do, worked out from the parameters and the overrides.</summary>
internal sealed record OfflinePlan(
    GenerateOfflineMapParameters Parameters,
    GenerateOfflineMapParameterOverrides Overrides,
    AreaOfInterest Area,
    IReadOnlyList<PlannedLayer> Layers,
    IReadOnlyList<FeatureUnit> FeatureUnits,
    IReadOnlyList<TileUnit> TileUnits,
    IReadOnlyList<VectorTileUnit> VectorTileUnits,
    IReadOnlyList<string> Notes)
{
    public int UnitCount => FeatureUnits.Count + TileUnits.Count + VectorTileUnits.Count;
}
