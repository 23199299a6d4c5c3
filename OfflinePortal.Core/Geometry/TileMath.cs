using NetTopologySuite.Geometries;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Geometry;

/// <summary>A tile address in ArcGIS order: level, row (downwards from the origin), column.</summary>
public readonly record struct TileCoordinate(int Level, int Row, int Column);

/// <summary>A run of tiles on one row: columns <see cref="FirstColumn"/> to <see cref="LastColumn"/> inclusive.</summary>
public readonly record struct TileRun(int Row, int FirstColumn, int LastColumn)
{
    public int Count => LastColumn - FirstColumn + 1;
}

/// <summary>The tiles of one level that an area touches, kept as runs per row so that huge levels stay cheap.</summary>
public sealed class TileSet(int level, IReadOnlyList<TileRun> runs)
{
    public int Level { get; } = level;

    public IReadOnlyList<TileRun> Runs { get; } = runs;

    public long Count { get; } = runs.Sum(r => (long)r.Count);

    public IEnumerable<TileCoordinate> Enumerate()
    {
        foreach (var run in Runs)
        {
            for (var column = run.FirstColumn; column <= run.LastColumn; column++)
            {
                yield return new TileCoordinate(Level, run.Row, column);
            }
        }
    }
}

/// <summary>
/// Which tiles of a tiling scheme an area needs, and which levels a scale range selects. Counts are exact for
/// polygons: a tile counts when the area covers part of it (touching an edge only does not count).
/// </summary>
public static class TileMath
{
    /// <summary>Relative tolerance when comparing a level's scale with a requested scale (LOD scales are rounded).</summary>
    private const double ScaleTolerance = 1e-3;

    /// <summary>
    /// The levels whose scale lies in the range: at most <paramref name="minScale"/> (the most zoomed-out scale, e.g.
    /// 1:500,000) and at least <paramref name="maxScale"/> (the most zoomed-in, e.g. 1:1,000). Zero means no limit on
    /// that side. When the range falls between two levels, the nearest level is taken so the area still has tiles.
    /// </summary>
    public static IReadOnlyList<int> LevelsForScaleRange(TileInfo tileInfo, double minScale, double maxScale)
    {
        ArgumentNullException.ThrowIfNull(tileInfo);
        if (minScale < 0 || maxScale < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minScale), "Scales cannot be negative.");
        }
        if (minScale > 0 && maxScale > 0 && minScale < maxScale)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"The minimum scale 1:{minScale:N0} is more zoomed in than the maximum scale 1:{maxScale:N0}; the minimum scale must be the larger number."));
        }
        var levels = tileInfo.Lods
            .Where(l => (minScale == 0 || l.Scale <= minScale * (1 + ScaleTolerance)) && (maxScale == 0 || l.Scale >= maxScale * (1 - ScaleTolerance)))
            .Select(l => l.Level)
            .OrderBy(l => l)
            .ToList();
        if (levels.Count == 0 && tileInfo.Lods.Count > 0)
        {
            var target = maxScale > 0 ? maxScale : minScale;
            if (tileInfo.Lods.MinBy(l => Math.Abs(Math.Log(l.Scale / target))) is { } nearest)
            {
                levels.Add(nearest.Level);
            }
        }
        return levels;
    }

    /// <summary>The tiles of <paramref name="lod"/> that <paramref name="area"/> (in the tiling scheme's coordinates) touches.</summary>
    public static TileSet TilesInArea(TileInfo tileInfo, Lod lod, NetTopologySuite.Geometries.Geometry area)
    {
        ArgumentNullException.ThrowIfNull(tileInfo);
        ArgumentNullException.ThrowIfNull(lod);
        ArgumentNullException.ThrowIfNull(area);
        var spanX = tileInfo.TileSpanX(lod);
        var spanY = tileInfo.TileSpanY(lod);
        var (maxColumn, maxRow) = MatrixSize(tileInfo, lod);
        var runs = new List<TileRun>();
        var envelope = area.EnvelopeInternal;
        if (area.IsEmpty)
        {
            return new TileSet(lod.Level, runs);
        }

        var firstRow = Math.Max(0, FloorIndex((tileInfo.OriginY - envelope.MaxY) / spanY));
        var lastRow = Math.Min(maxRow, CeilIndex((tileInfo.OriginY - envelope.MinY) / spanY));
        var factory = area.Factory;
        for (var row = firstRow; row <= lastRow; row++)
        {
            var top = tileInfo.OriginY - row * spanY;
            var band = factory.ToGeometry(new Envelope(envelope.MinX - spanX, envelope.MaxX + spanX, top - spanY, top));
            var piece = area.Intersection(band);
            // Each connected part's projection on x is one interval; their union gives the row's columns exactly.
            var intervals = new List<(int First, int Last)>();
            for (var i = 0; i < piece.NumGeometries; i++)
            {
                var part = piece.GetGeometryN(i);
                if (part is not Polygon || part.Area <= 0)
                {
                    continue;
                }
                var e = part.EnvelopeInternal;
                var first = Math.Max(0, FloorIndex((e.MinX - tileInfo.OriginX) / spanX));
                var last = Math.Min(maxColumn, CeilIndex((e.MaxX - tileInfo.OriginX) / spanX));
                if (first <= last)
                {
                    intervals.Add((first, last));
                }
            }
            foreach (var (first, last) in Merge(intervals))
            {
                runs.Add(new TileRun(row, first, last));
            }
        }
        return new TileSet(lod.Level, runs);
    }

    /// <summary>The geographic box of a tile in the tiling scheme's coordinates.</summary>
    public static Envelope TileEnvelope(TileInfo tileInfo, Lod lod, int row, int column)
    {
        var spanX = tileInfo.TileSpanX(lod);
        var spanY = tileInfo.TileSpanY(lod);
        var minX = tileInfo.OriginX + column * spanX;
        var maxY = tileInfo.OriginY - row * spanY;
        return new Envelope(minX, minX + spanX, maxY - spanY, maxY);
    }

    /// <summary>
    /// The last valid column and row of a level: the world's width for Web Mercator schemes anchored at the world's
    /// corner, otherwise unbounded (the service decides which tiles exist).
    /// </summary>
    private static (int MaxColumn, int MaxRow) MatrixSize(TileInfo tileInfo, Lod lod)
    {
        if (tileInfo.SpatialReference.IsWebMercator && Math.Abs(tileInfo.OriginX + WebMercator.HalfWorld) < 1)
        {
            return (TilesAcrossWorld(tileInfo.TileSpanX(lod)) - 1, TilesAcrossWorld(tileInfo.TileSpanY(lod)) - 1);
        }
        return (int.MaxValue - 1, int.MaxValue - 1);
    }

    /// <summary>
    /// Tiles across the world at a tile span. Services publish resolutions rounded to a dozen digits, so the world's
    /// width divided by a span lands a hair above a whole number (8192.0000012 at level 13): that is still 8192 tiles.
    /// </summary>
    private static int TilesAcrossWorld(double span)
    {
        var tiles = 2 * WebMercator.HalfWorld / span;
        var whole = Math.Round(tiles);
        return (int)(Math.Abs(tiles - whole) < 1e-4 * Math.Max(1, whole) ? whole : Math.Ceiling(tiles));
    }

    /// <summary>Index of the tile containing a position (fractional tile units), robust to rounding at tile edges.</summary>
    private static int FloorIndex(double units) => (int)Math.Floor(units + 1e-9);

    /// <summary>Index of the last tile reached by an end position: an end exactly on an edge stays in the tile before it.</summary>
    private static int CeilIndex(double units) => (int)Math.Ceiling(units - 1e-9) - 1;

    private static IEnumerable<(int First, int Last)> Merge(List<(int First, int Last)> intervals)
    {
        intervals.Sort();
        (int First, int Last)? current = null;
        foreach (var interval in intervals)
        {
            if (current is { } c && interval.First <= c.Last + 1)
            {
                current = (c.First, Math.Max(c.Last, interval.Last));
                continue;
            }
            if (current is { } done)
            {
                yield return done;
            }
            current = interval;
        }
        if (current is { } last)
        {
            yield return last;
        }
    }
}
