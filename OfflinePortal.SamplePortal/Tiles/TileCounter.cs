using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>An export area in Web Mercator: an extent, optionally narrowed to a polygon inside it.</summary>
internal sealed class ExportArea
{
    private readonly IPreparedGeometry? _prepared;

    public ExportArea(Envelope extent, Geometry? polygon = null)
    {
        Extent = polygon?.EnvelopeInternal ?? extent;
        Polygon = polygon;
        _prepared = polygon is null ? null : PreparedGeometryFactory.Prepare(polygon);
    }

    public Envelope Extent { get; }

    public Geometry? Polygon { get; }

    public IPreparedGeometry? Prepared => _prepared;
}

/// <summary>
/// Which tiles an export covers: at each level the tiles whose interior overlaps the area. Extents are counted in
/// closed form; polygons by descending a quadtree from the world tile, so whole blocks inside the polygon are counted
/// without visiting their tiles and the work follows the polygon's outline, not its area.
/// </summary>
internal static class TileCounter
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 3857);

    /// <summary>Tiles at <paramref name="level"/>; stops early and returns a value above <paramref name="cap"/> once it is passed.</summary>
    public static long Count(TileScheme scheme, ExportArea area, int level, long cap = long.MaxValue)
    {
        if (area.Prepared is null)
        {
            return scheme.Range(area.Extent, level)?.Count ?? 0;
        }
        long total = 0;
        Visit(scheme, area, new TileAddress(0, 0, 0), level, (_, count) =>
        {
            total += count;
            return total <= cap;
        });
        return total;
    }

    /// <summary>Every tile at <paramref name="level"/>, row by row within each block.</summary>
    public static IEnumerable<TileAddress> Enumerate(TileScheme scheme, ExportArea area, int level)
    {
        if (area.Prepared is null)
        {
            return scheme.Range(area.Extent, level) is { } range ? EnumerateRange(range) : [];
        }
        var blocks = new List<TileRange>();
        Visit(scheme, area, new TileAddress(0, 0, 0), level, (block, _) =>
        {
            blocks.Add(block);
            return true;
        });
        return blocks.SelectMany(EnumerateRange);
    }

    private static IEnumerable<TileAddress> EnumerateRange(TileRange range)
    {
        for (var row = range.MinRow; row <= range.MaxRow; row++)
        {
            for (var col = range.MinCol; col <= range.MaxCol; col++)
            {
                yield return new TileAddress(range.Level, row, col);
            }
        }
    }

    /// <summary>Calls <paramref name="found"/> with blocks of target-level tiles; false from it stops the walk.</summary>
    private static bool Visit(TileScheme scheme, ExportArea area, TileAddress node, int level, Func<TileRange, long, bool> found)
    {
        var envelope = scheme.TileEnvelope(node);
        if (!envelope.Intersects(area.Extent))
        {
            return true;
        }
        // A hair inside the tile, so a polygon that only touches a tile's edge does not take the tile.
        var inset = new Envelope(envelope);
        inset.ExpandBy(-envelope.Width * 1e-9);
        var tile = Factory.ToGeometry(inset);
        if (!area.Prepared!.Intersects(tile))
        {
            return true;
        }
        var shift = level - node.Level;
        if (shift == 0 || area.Prepared.Contains(tile))
        {
            var side = 1L << shift;
            var block = new TileRange(level, node.Row * side, ((node.Row + 1) * side) - 1, node.Col * side, ((node.Col + 1) * side) - 1);
            return found(block, block.Count);
        }
        for (var dr = 0; dr < 2; dr++)
        {
            for (var dc = 0; dc < 2; dc++)
            {
                if (!Visit(scheme, area, new TileAddress(node.Level + 1, (node.Row * 2) + dr, (node.Col * 2) + dc), level, found))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
