namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>A service of the sample tile module as a services directory lists it (name and type).</summary>
public sealed record SampleMapServiceEntry(string Name, string Type);

/// <summary>The map and tile services the tile module serves under <c>{prefix}/arcgis/rest/services</c>.</summary>
public static class SampleTileServiceCatalog
{
    public static IReadOnlyList<SampleMapServiceEntry> Services { get; } =
    [
        new("Basemap", "MapServer"),
        new("Hillshade", "MapServer"),
        new("WaterNetwork", "MapServer"),
        new("BasemapVector", "VectorTileServer"),
    ];
}

/// <summary>How a tiled service makes its tiles.</summary>
internal enum TileKind
{
    Basemap,
    Hillshade,
    Vector,
}

/// <summary>A tiled sample service: where it lives, its scheme, whether it lets clients export tiles.</summary>
internal sealed record TiledService(string Name, string Type, TileKind Kind, bool ExportTilesAllowed, string Title, string Description)
{
    public static TiledService Basemap { get; } = new(
        "Basemap", "MapServer", TileKind.Basemap, ExportTilesAllowed: true, "Sample water utility basemap",
        "Cached basemap of the sample water utility around Ashland, Oregon: pressure zones, mains by diameter, valves and hydrants.");

    public static TiledService Hillshade { get; } = new(
        "Hillshade", "MapServer", TileKind.Hillshade, ExportTilesAllowed: false, "Sample hillshade",
        "Procedurally generated shaded relief. Tiles cannot be exported from this service.");

    public static TiledService BasemapVector { get; } = new(
        "BasemapVector", "VectorTileServer", TileKind.Vector, ExportTilesAllowed: true, "Sample water utility vector basemap",
        "Vector tiles (Mapbox Vector Tile 2.1) of the sample water utility: water_mains, hydrants, valves, pressure_zones.");

    public static IReadOnlyList<TiledService> All { get; } = [Basemap, Hillshade, BasemapVector];

    public TileScheme Scheme => Kind == TileKind.Vector ? TileScheme.Vector : TileScheme.Raster;

    /// <summary>The folder under <c>directories/arcgisoutput</c> holding this service's job outputs (ArcGIS's naming).</summary>
    public string OutputFolder => $"{Name}_{Type}";

    public string TileExtension => Kind == TileKind.Vector ? "pbf" : "png";
}
