using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>One exported level of a tile pyramid (<c>gpkg_tile_matrix</c> row).</summary>
public sealed record TileMatrix(int ZoomLevel, int MatrixWidth, int MatrixHeight, int TileWidth, int TileHeight, double PixelXSize, double PixelYSize);

/// <summary>
/// A GeoPackage tile matrix set laid over an ArcGIS tiling scheme so that GeoPackage (zoom_level, tile_column,
/// tile_row) equals ArcGIS (level, col, row): the set's top-left corner is the scheme's origin (GeoPackage counts
/// columns from min_x and rows from max_y, as ArcGIS does from the origin), zoom levels are the LOD levels, and
/// pixel sizes are the LOD resolutions.
/// </summary>
/// <remarks>
/// GeoPackage requires every level's <c>matrix_width × tile_width × pixel_x_size</c> to equal the set's width
/// (GDAL's validator allows 0.1 %). When every level divides the width exactly (power-of-two schemes such as Web
/// Mercator) the set spans exactly the whole tiles needed at the coarsest level. Otherwise (levels that are not
/// powers of two apart) the set is widened to at least 2,000 coarsest tiles, so that rounding each level's matrix up to
/// whole tiles stays within 0.05 % of the width; the extra columns and rows simply hold no tiles.
/// </remarks>
public sealed record TileMatrixSet(double MinX, double MinY, double MaxX, double MaxY, IReadOnlyList<TileMatrix> Matrices)
{
    private const double Tolerance = 1e-6;
    private const int WideningTiles = 2000;

    public static TileMatrixSet For(TileInfo tileInfo, IEnumerable<int> levels, EsriEnvelope bounds)
    {
        ArgumentNullException.ThrowIfNull(tileInfo);
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(bounds);
        if (bounds.IsEmpty)
        {
            throw new ArgumentException("The tile bounds are empty.", nameof(bounds));
        }
        if (tileInfo.Cols <= 0 || tileInfo.Rows <= 0)
        {
            throw new ArgumentException("The tiling scheme has no tile size.", nameof(tileInfo));
        }
        var lods = levels.Distinct().Order()
            .Select(l => tileInfo.FindLevel(l) ?? throw new ArgumentException($"The tiling scheme has no level {l}.", nameof(levels)))
            .ToList();
        if (lods.Count == 0)
        {
            throw new ArgumentException("At least one level is needed.", nameof(levels));
        }
        for (var i = 1; i < lods.Count; i++)
        {
            if (!(lods[i].Resolution < lods[i - 1].Resolution))
            {
                throw new ArgumentException("Resolutions must decrease as levels increase.", nameof(tileInfo));
            }
        }
        if (lods.Any(l => !(l.Resolution > 0) || !double.IsFinite(l.Resolution)))
        {
            throw new ArgumentException("Every level needs a positive resolution.", nameof(tileInfo));
        }

        var spansX = lods.Select(l => tileInfo.TileSpanX(l)).ToList();
        var spansY = lods.Select(l => tileInfo.TileSpanY(l)).ToList();
        var (width, columns) = Fit(Math.Max(bounds.XMax - tileInfo.OriginX, 0), spansX);
        var (height, rows) = Fit(Math.Max(tileInfo.OriginY - bounds.YMin, 0), spansY);
        var matrices = lods.Select((l, i) => new TileMatrix(l.Level, columns[i], rows[i], tileInfo.Cols, tileInfo.Rows, l.Resolution, l.Resolution)).ToList();
        return new TileMatrixSet(tileInfo.OriginX, tileInfo.OriginY - height, tileInfo.OriginX + width, tileInfo.OriginY, matrices);
    }

    /// <summary>True when some consecutive exported levels are not a factor of two apart (needs <c>gpkg_zoom_other</c>).</summary>
    public bool HasOtherZoomSteps =>
        Matrices.Zip(Matrices.Skip(1)).Any(p => p.Second.ZoomLevel == p.First.ZoomLevel + 1 &&
            Math.Abs((p.Second.PixelXSize - (p.First.PixelXSize / 2)) / p.First.PixelXSize) >= 1e-5);

    public EsriEnvelope Extent => new(MinX, MinY, MaxX, MaxY);

    private static (double Size, int[] Counts) Fit(double required, IReadOnlyList<double> spans)
    {
        var coarsest = spans[0];
        var tiles = Math.Max(1, (int)Math.Ceiling((required / coarsest) - Tolerance));
        var size = tiles * coarsest;
        if (spans.All(s => Math.Abs((size / s) - Math.Round(size / s)) < Tolerance * Math.Max(1, size / s)))
        {
            return (size, spans.Select(s => checked((int)Math.Round(size / s))).ToArray());
        }
        tiles = Math.Max(tiles, WideningTiles);
        size = tiles * coarsest;
        return (size, spans.Select(s => checked((int)Math.Ceiling((size / s) - Tolerance))).ToArray());
    }
}
