using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Geometry;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// The tiles a tile layer takes: for each chosen level, the exact tiles the area covers in the service's own tiling
/// scheme. The estimate and the job both use this, so the estimate's counts are the tiles the job fetches.
/// </summary>
internal static class TileSelection
{
    public static IReadOnlyList<TileSet> For(TileInfo tileInfo, IEnumerable<int> levels, AreaOfInterest area)
    {
        var geometry = tileInfo.SpatialReference.IsWgs84 ? area.Wgs84 : area.WebMercatorGeometry;
        return levels.Distinct().Order()
            .Select(level => tileInfo.FindLevel(level) ?? throw new ArgumentException($"The tiling scheme has no level {level}.", nameof(levels)))
            .Select(lod => TileMath.TilesInArea(tileInfo, lod, geometry))
            .ToList();
    }

    /// <summary>
    /// Up to <paramref name="count"/> tiles spread evenly over the set, each in the middle of its share (the first and
    /// last tiles lie on the area's edge, mostly outside it, and would understate sizes).
    /// </summary>
    public static IReadOnlyList<TileCoordinate> Sample(TileSet set, int count)
    {
        if (count <= 0 || set.Count == 0)
        {
            return [];
        }
        var wanted = new SortedSet<long>();
        var n = Math.Min(count, set.Count);
        for (var i = 0; i < n; i++)
        {
            wanted.Add((long)((i + 0.5) * set.Count / n));
        }
        var result = new List<TileCoordinate>(wanted.Count);
        long offset = 0;
        foreach (var run in set.Runs)
        {
            foreach (var index in wanted.GetViewBetween(offset, offset + run.Count - 1))
            {
                result.Add(new TileCoordinate(set.Level, run.Row, run.FirstColumn + (int)(index - offset)));
            }
            offset += run.Count;
        }
        return result;
    }

    /// <summary>The area's bounding box in the tiling scheme's spatial reference.</summary>
    public static EsriEnvelope Bounds(TileInfo tileInfo, AreaOfInterest area)
    {
        var geometry = tileInfo.SpatialReference.IsWgs84 ? area.Wgs84 : area.WebMercatorGeometry;
        var e = geometry.EnvelopeInternal;
        return new EsriEnvelope(e.MinX, e.MinY, e.MaxX, e.MaxY) { SpatialReference = tileInfo.SpatialReference };
    }
}
