using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Tiles;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

public sealed class TileCounterTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 3857);

    /// <summary>An L-shaped area over the town: its envelope holds many tiles the polygon does not touch.</summary>
    private static Polygon LShape() => Factory.CreatePolygon(
    [
        new(-13663900, 5185800), new(-13663900, 5193900), new(-13661000, 5193900), new(-13661000, 5188000),
        new(-13655100, 5188000), new(-13655100, 5185800), new(-13663900, 5185800),
    ]);

    [Theory]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    public void Count_Polygon_EqualsTilesIntersectingItsInterior(int level)
    {
        var polygon = LShape();
        var area = new ExportArea(polygon.EnvelopeInternal, polygon);
        var range = TileScheme.Raster.Range(polygon.EnvelopeInternal, level)!.Value;
        long expected = 0;
        for (var r = range.MinRow; r <= range.MaxRow; r++)
        {
            for (var c = range.MinCol; c <= range.MaxCol; c++)
            {
                var tile = Factory.ToGeometry(TileScheme.Raster.TileEnvelope(new TileAddress(level, r, c)));
                // Interior/interior overlap: the DE-9IM pattern, independent of the counter's inset trick.
                if (polygon.Relate(tile, "T********"))
                {
                    expected++;
                }
            }
        }
        Assert.True(expected < range.Count, "the L-shape must leave some tiles of its envelope out");
        Assert.Equal(expected, TileCounter.Count(TileScheme.Raster, area, level));
        var enumerated = TileCounter.Enumerate(TileScheme.Raster, area, level).ToList();
        Assert.Equal(expected, enumerated.Count);
        Assert.Equal(enumerated.Count, enumerated.Distinct().Count());
    }

    [Fact]
    public void Count_Extent_UsesTheClosedForm()
    {
        var extent = new Envelope(-13663910.9, -13655005.3, 5185727.8, 5193991.6);
        var area = new ExportArea(extent);
        Assert.Equal(TileScheme.Raster.Range(extent, 17)!.Value.Count, TileCounter.Count(TileScheme.Raster, area, 17));
        Assert.Equal(TileCounter.Count(TileScheme.Raster, area, 14), TileCounter.Enumerate(TileScheme.Raster, area, 14).LongCount());
    }

    [Fact]
    public void Count_PolygonPastTheCap_StopsEarlyAboveIt()
    {
        var polygon = LShape();
        var area = new ExportArea(polygon.EnvelopeInternal, polygon);
        var full = TileCounter.Count(TileScheme.Raster, area, 18);
        var capped = TileCounter.Count(TileScheme.Raster, area, 18, cap: 100);
        Assert.True(capped > 100);
        Assert.True(capped <= full);
    }
}
