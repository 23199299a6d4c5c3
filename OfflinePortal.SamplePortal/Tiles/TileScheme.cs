using NetTopologySuite.Geometries;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>One level of detail of a tiling scheme, as ArcGIS advertises it in <c>tileInfo.lods</c>.</summary>
internal sealed record TileLod(int Level, double Resolution, double Scale);

/// <summary>A tile address in ArcGIS order: level, row (from the top), column (from the left).</summary>
internal readonly record struct TileAddress(int Level, long Row, long Col);

/// <summary>An inclusive block of tiles at one level.</summary>
internal readonly record struct TileRange(int Level, long MinRow, long MaxRow, long MinCol, long MaxCol)
{
    public long Count => (MaxRow - MinRow + 1) * (MaxCol - MinCol + 1);
}

/// <summary>
/// The ArcGIS Online / Google Web Mercator tiling scheme (origin top-left at ±20037508.342787) for a tile size.
/// Raster services use 256-pixel tiles, vector tile services 512-pixel tiles whose level z covers the same ground as
/// raster level z; both advertise the resolutions Esri publishes, and tile spans follow from those resolutions.
/// </summary>
internal sealed class TileScheme
{
    public const double OriginX = -20037508.342787;
    public const double OriginY = 20037508.342787;
    public const int Dpi = 96;

    // Esri's published values (World_Street_Map and the ArcGIS REST "Vector Tile Service" example).
    private static readonly (double Resolution, double Scale)[] Raster256 =
    [
        (156543.033928, 591657527.591555), (78271.5169639999, 295828763.795777), (39135.7584820001, 147914381.897889),
        (19567.8792409999, 73957190.948944), (9783.93962049996, 36978595.474472), (4891.96981024998, 18489297.737236),
        (2445.98490512499, 9244648.868618), (1222.99245256249, 4622324.434309), (611.49622628138, 2311162.217155),
        (305.748113140558, 1155581.108577), (152.874056570411, 577790.554289), (76.4370282850732, 288895.277144),
        (38.2185141425366, 144447.638572), (19.1092570712683, 72223.819286), (9.55462853563415, 36111.909643),
        (4.77731426794937, 18055.954822), (2.38865713397468, 9027.977411), (1.19432856685505, 4513.988705),
        (0.597164283559817, 2256.994353), (0.298582141647617, 1128.497176),
    ];

    private static readonly (double Resolution, double Scale)[] Vector512 =
    [
        (78271.516964, 295828763.7957775), (39135.75848199995, 147914381.8978885), (19567.87924100005, 73957190.9489445),
        (9783.93962049995, 36978595.474472), (4891.96981024998, 18489297.737236), (2445.98490512499, 9244648.868618),
        (1222.992452562495, 4622324.434309), (611.496226281245, 2311162.2171545), (305.74811314069, 1155581.1085775),
        (152.874056570279, 577790.5542885), (76.4370282852055, 288895.2771445), (38.2185141425366, 144447.638572),
        (19.1092570712683, 72223.819286), (9.55462853563415, 36111.909643), (4.777314267817075, 18055.9548215),
        (2.388657133974685, 9027.977411), (1.19432856698734, 4513.9887055), (0.597164283427525, 2256.9943525),
        (0.2985821417799085, 1128.4971765), (0.1492910708238085, 564.248588),
    ];

    public static TileScheme Raster { get; } = new(256, Raster256);

    public static TileScheme Vector { get; } = new(512, Vector512);

    private TileScheme(int tileSize, (double Resolution, double Scale)[] lods)
    {
        TileSize = tileSize;
        Lods = [.. lods.Select((lod, level) => new TileLod(level, lod.Resolution, lod.Scale))];
    }

    public int TileSize { get; }

    public IReadOnlyList<TileLod> Lods { get; }

    public int MaxLevel => Lods.Count - 1;

    public double TileSpan(int level) => Lods[level].Resolution * TileSize;

    public static long TilesPerSide(int level) => 1L << level;

    public bool IsValid(TileAddress tile) =>
        tile.Level >= 0 && tile.Level <= MaxLevel
        && tile.Row >= 0 && tile.Row < TilesPerSide(tile.Level)
        && tile.Col >= 0 && tile.Col < TilesPerSide(tile.Level);

    /// <summary>The ground covered by a tile, in Web Mercator metres.</summary>
    public Envelope TileEnvelope(TileAddress tile)
    {
        var span = TileSpan(tile.Level);
        var minX = OriginX + (tile.Col * span);
        var maxY = OriginY - (tile.Row * span);
        return new Envelope(minX, minX + span, maxY - span, maxY);
    }

    /// <summary>
    /// The tiles whose interior overlaps <paramref name="extent"/> (a tile that only touches an edge is left out);
    /// a degenerate extent (a point or a line) still yields the tile it lies in. Null when the extent misses the grid.
    /// </summary>
    public TileRange? Range(Envelope extent, int level)
    {
        var span = TileSpan(level);
        var last = TilesPerSide(level) - 1;
        var minCol = (long)Math.Floor((extent.MinX - OriginX) / span);
        var maxCol = Math.Max(minCol, (long)Math.Ceiling((extent.MaxX - OriginX) / span) - 1);
        var minRow = (long)Math.Floor((OriginY - extent.MaxY) / span);
        var maxRow = Math.Max(minRow, (long)Math.Ceiling((OriginY - extent.MinY) / span) - 1);
        if (maxCol < 0 || maxRow < 0 || minCol > last || minRow > last)
        {
            return null;
        }
        return new TileRange(level, Math.Max(0, minRow), Math.Min(last, maxRow), Math.Max(0, minCol), Math.Min(last, maxCol));
    }
}
