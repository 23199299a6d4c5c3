using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Tiles;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

public sealed class MvtTileBuilderTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 3857);

    // A 4096-metre tile, so one map metre is one tile unit (y flips: map y up, tile y down).
    private static readonly Envelope Tile = new(0, 4096, 0, 4096);

    private static Coordinate C(double x, double y) => new(x, y);

    [Fact]
    public void ToArray_NoFeatures_IsAnEmptyValidTile()
    {
        var builder = new MvtTileBuilder(Tile);
        builder.StartLayer("hydrants");
        Assert.Empty(builder.ToArray());
    }

    [Fact]
    public void Point_IsEncodedAsMoveToWithZigZagDeltas()
    {
        var builder = new MvtTileBuilder(Tile);
        builder.StartLayer("hydrants");
        Assert.True(builder.AddFeature(7, Factory.CreatePoint(C(25, 4096 - 17)), [new("STATUS", "In Service"), new("FLOW", 1250.5), new("OPEN", true), new("TURNS", -3L), new("NOTE", null)]));
        var layer = Assert.Single(MvtDecoder.Decode(builder.ToArray()));
        Assert.Equal(("hydrants", 2u, 4096u), (layer.Name, layer.Version, layer.Extent));
        var feature = Assert.Single(layer.Features);
        Assert.Equal(7ul, feature.Id);
        Assert.Equal(1, feature.Type);
        Assert.Equal([9u, 50u, 34u], feature.RawGeometry); // MoveTo(1), zigzag(25)=50, zigzag(17)=34 (spec example)
        Assert.Equal("In Service", feature.Attributes["STATUS"]);
        Assert.Equal(1250.5, feature.Attributes["FLOW"]);
        Assert.Equal(true, feature.Attributes["OPEN"]);
        Assert.Equal(-3L, feature.Attributes["TURNS"]);
        Assert.False(feature.Attributes.ContainsKey("NOTE"));
    }

    [Fact]
    public void Line_CrossingTheTile_IsClippedToTheBuffer()
    {
        var builder = new MvtTileBuilder(Tile, buffer: 64);
        builder.StartLayer("water_mains");
        builder.AddFeature(1, Factory.CreateLineString([C(-1000, 2048), C(5000, 2048)]), []);
        var feature = Assert.Single(Assert.Single(MvtDecoder.Decode(builder.ToArray())).Features);
        Assert.Equal(2, feature.Type);
        var part = Assert.Single(feature.Parts);
        Assert.Equal([(-64, 2048), (4096 + 64, 2048)], part);
    }

    [Fact]
    public void Line_LeavingAndReentering_BecomesTwoParts()
    {
        var builder = new MvtTileBuilder(Tile, buffer: 0);
        builder.StartLayer("water_mains");
        builder.AddFeature(1, Factory.CreateLineString([C(100, 100), C(100, -500), C(300, -500), C(300, 100)]), []);
        var feature = Assert.Single(Assert.Single(MvtDecoder.Decode(builder.ToArray())).Features);
        Assert.Equal(2, feature.Parts.Count);
        Assert.Equal([(100, 3996), (100, 4096)], feature.Parts[0]);
        Assert.Equal([(300, 4096), (300, 3996)], feature.Parts[1]);
    }

    [Fact]
    public void Polygon_WithHole_IsWoundExteriorClockwiseAndClipped()
    {
        // The shell is given clockwise in map space and reaches past the tile; the hole lies inside.
        var shell = Factory.CreateLinearRing([C(-500, -500), C(-500, 2000), C(2000, 2000), C(2000, -500), C(-500, -500)]);
        var hole = Factory.CreateLinearRing([C(500, 500), C(1000, 500), C(1000, 1000), C(500, 1000), C(500, 500)]);
        var builder = new MvtTileBuilder(Tile, buffer: 64);
        builder.StartLayer("pressure_zones");
        builder.AddFeature(3, Factory.CreatePolygon(shell, [hole]), []);
        var feature = Assert.Single(Assert.Single(MvtDecoder.Decode(builder.ToArray())).Features);
        Assert.Equal(3, feature.Type);
        Assert.Equal(2, feature.Parts.Count);
        Assert.True(MvtDecoder.TwiceSignedArea(feature.Parts[0]) > 0, "exterior ring: positive area in tile coordinates");
        Assert.True(MvtDecoder.TwiceSignedArea(feature.Parts[1]) < 0, "interior ring: negative area");
        Assert.All(feature.Parts[0], p => Assert.InRange(p.X, -64, 4096 + 64));
        Assert.Contains((-64, 4096 + 64), feature.Parts[0]);
        Assert.Equal(2 * 2064L * 2064L, MvtDecoder.TwiceSignedArea(feature.Parts[0]));
        Assert.Equal(-2 * 500L * 500L, MvtDecoder.TwiceSignedArea(feature.Parts[1]));
    }

    [Fact]
    public void Features_OutsideTheBufferedTile_AreLeftOut()
    {
        var builder = new MvtTileBuilder(Tile, buffer: 64);
        builder.StartLayer("hydrants");
        Assert.False(builder.AddFeature(1, Factory.CreatePoint(C(-100, 100)), []));
        Assert.True(builder.AddFeature(2, Factory.CreatePoint(C(-50, 100)), []));
        builder.StartLayer("pressure_zones");
        Assert.False(builder.AddFeature(3, Factory.CreatePolygon([C(5000, 5000), C(5000, 6000), C(6000, 6000), C(5000, 5000)]), []));
        var layer = Assert.Single(MvtDecoder.Decode(builder.ToArray()));
        Assert.Equal("hydrants", layer.Name);
        Assert.Equal(2ul, Assert.Single(layer.Features).Id);
    }

    [Fact]
    public void Values_AreSharedAcrossFeaturesOfALayer()
    {
        var builder = new MvtTileBuilder(Tile);
        builder.StartLayer("valves");
        builder.AddFeature(1, Factory.CreatePoint(C(10, 10)), [new("KIND", "gate")]);
        builder.AddFeature(2, Factory.CreatePoint(C(20, 20)), [new("KIND", "gate")]);
        var layer = Assert.Single(MvtDecoder.Decode(builder.ToArray()));
        Assert.All(layer.Features, f => Assert.Equal("gate", f.Attributes["KIND"]));
    }
}
