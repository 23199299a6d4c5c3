using NetTopologySuite.Geometries;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Geometry;

namespace OfflinePortal.Tests.Unit.Geometry;

public sealed class TileMathTests
{
    /// <summary>The standard ArcGIS Online / Google Web Mercator scheme: 256 px tiles, LODs 0–19.</summary>
    internal static TileInfo WebMercatorScheme { get; } = new(256, 256, -20037508.342787, 20037508.342787,
        Enumerable.Range(0, 20).Select(l => new Lod(l, 156543.03392800014 / Math.Pow(2, l), 591657527.591555 / Math.Pow(2, l))).ToList());

    private static readonly GeometryFactory Factory = new();

    [Fact]
    public void TilesInArea_WholeWorldAtLevelTwo_IsSixteenTiles()
    {
        var world = Factory.ToGeometry(new Envelope(-WebMercator.HalfWorld, WebMercator.HalfWorld, -WebMercator.HalfWorld, WebMercator.HalfWorld));
        var tiles = TileMath.TilesInArea(WebMercatorScheme, WebMercatorScheme.Lods[2], world);
        Assert.Equal(16, tiles.Count);
        Assert.Equal(Enumerable.Range(0, 4), tiles.Runs.Select(r => r.Row));
        Assert.All(tiles.Runs, r => Assert.Equal((0, 3), (r.FirstColumn, r.LastColumn)));
    }

    [Fact]
    public void TilesInArea_BoxExactlyOnTileEdges_CountsOnlyCoveredTiles()
    {
        var lod = WebMercatorScheme.Lods[10];
        var a = TileMath.TileEnvelope(WebMercatorScheme, lod, 300, 160);
        var b = TileMath.TileEnvelope(WebMercatorScheme, lod, 301, 161);
        var box = Factory.ToGeometry(new Envelope(a.MinX, b.MaxX, b.MinY, a.MaxY));
        var tiles = TileMath.TilesInArea(WebMercatorScheme, lod, box);
        Assert.Equal(
            [new TileCoordinate(10, 300, 160), new TileCoordinate(10, 300, 161), new TileCoordinate(10, 301, 160), new TileCoordinate(10, 301, 161)],
            tiles.Enumerate().ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TilesInArea_ConcavePolygon_MatchesBruteForce(int seed)
    {
        var random = new Random(seed);
        var (cx, cy) = WebMercator.FromLonLat(-122.7, 42.19);
        // A star-shaped polygon with deep notches: rows where the area splits into several column runs.
        var points = Enumerable.Range(0, 14).Select(i =>
        {
            var angle = i * Math.PI * 2 / 14;
            var radius = (i % 2 == 0 ? 9000 : 2500) * (0.8 + 0.4 * random.NextDouble());
            return new Coordinate(cx + radius * Math.Cos(angle), cy + radius * Math.Sin(angle));
        }).ToList();
        points.Add(points[0]);
        var star = Factory.CreatePolygon(points.ToArray());
        foreach (var level in new[] { 11, 13, 15 })
        {
            var lod = WebMercatorScheme.Lods[level];
            var expected = BruteForce(WebMercatorScheme, lod, star);
            var actual = TileMath.TilesInArea(WebMercatorScheme, lod, star).Enumerate().ToHashSet();
            Assert.True(expected.SetEquals(actual), $"level {level}: expected {expected.Count} tiles, got {actual.Count}");
        }
    }

    [Fact]
    public void LevelsForScaleRange_PicksLevelsBetweenScales()
    {
        // 1:100,000 .. 1:5,000 → levels 13 (72,224) to 16 (9,028); level 17 (4,514) is more zoomed in than 1:5,000.
        Assert.Equal([13, 14, 15, 16], TileMath.LevelsForScaleRange(WebMercatorScheme, 100_000, 5_000));
        Assert.Equal(20, TileMath.LevelsForScaleRange(WebMercatorScheme, 0, 0).Count);
        Assert.Equal([0, 1, 2], TileMath.LevelsForScaleRange(WebMercatorScheme, 0, 100_000_000));
    }

    [Fact]
    public void LevelsForScaleRange_RangeBetweenTwoLevels_TakesNearestLevel()
    {
        Assert.Equal([14], TileMath.LevelsForScaleRange(WebMercatorScheme, 40_000, 30_000));
    }

    [Fact]
    public void LevelsForScaleRange_MinScaleMoreZoomedInThanMax_IsRefusedWithReason()
    {
        var error = Assert.Throws<ArgumentException>(() => TileMath.LevelsForScaleRange(WebMercatorScheme, 1_000, 50_000));
        Assert.Contains("minimum scale", error.Message, StringComparison.Ordinal);
    }

    private static HashSet<TileCoordinate> BruteForce(TileInfo info, Lod lod, NetTopologySuite.Geometries.Geometry area)
    {
        var result = new HashSet<TileCoordinate>();
        var e = area.EnvelopeInternal;
        var span = info.TileSpanX(lod);
        var c0 = (int)Math.Floor((e.MinX - info.OriginX) / span) - 1;
        var c1 = (int)Math.Floor((e.MaxX - info.OriginX) / span) + 1;
        var r0 = (int)Math.Floor((info.OriginY - e.MaxY) / span) - 1;
        var r1 = (int)Math.Floor((info.OriginY - e.MinY) / span) + 1;
        for (var r = r0; r <= r1; r++)
        {
            for (var c = c0; c <= c1; c++)
            {
                var tile = Factory.ToGeometry(TileMath.TileEnvelope(info, lod, r, c));
                if (area.Intersection(tile).Area > 0)
                {
                    result.Add(new TileCoordinate(lod.Level, r, c));
                }
            }
        }
        return result;
    }
}
