using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Geometry;

namespace OfflinePortal.Tests.Unit.Geometry;

public sealed class AreaOfInterestTests
{
    private static EsriPolygon Polygon(SpatialReference? sr, params double[][] ring) => new([ring]) { SpatialReference = sr };

    [Fact]
    public void Create_WebMercatorEnvelope_ConvertsToLonLatAndBack()
    {
        var (x0, y0) = WebMercator.FromLonLat(-122.73, 42.17);
        var (x1, y1) = WebMercator.FromLonLat(-122.68, 42.21);
        var area = AreaOfInterest.Create(new EsriEnvelope(x0, y0, x1, y1) { SpatialReference = SpatialReference.WebMercator });
        var e = area.Wgs84.EnvelopeInternal;
        Assert.Equal(-122.73, e.MinX, 9);
        Assert.Equal(42.21, e.MaxY, 9);
        Assert.Equal(x1, area.WebMercatorGeometry.EnvelopeInternal.MaxX, 6);
        Assert.False(area.CrossesAntimeridian);
        // 0.05° × 0.04° at 42°N is about 4.13 km × 4.45 km.
        Assert.InRange(area.AreaSquareKilometres, 18.0, 18.8);
    }

    [Fact]
    public void Create_PolygonAcrossAntimeridian_IsSplitIntoTwoParts()
    {
        var area = AreaOfInterest.Create(Polygon(SpatialReference.Wgs84,
            [179.5, -17.0], [179.5, -16.0], [-179.5, -16.0], [-179.5, -17.0], [179.5, -17.0]));
        Assert.True(area.CrossesAntimeridian);
        Assert.Equal(2, area.Wgs84.NumGeometries);
        var boxes = area.PartEnvelopesWgs84().OrderBy(b => b.XMin).ToList();
        Assert.Equal((-180.0, -179.5), (boxes[0].XMin, boxes[0].XMax));
        Assert.Equal((179.5, 180.0), (boxes[1].XMin, boxes[1].XMax));
        Assert.All(boxes, b => Assert.Equal((-17.0, -16.0), (b.YMin, b.YMax)));
    }

    [Fact]
    public void Create_UnwrappedLongitudesBeyond180_AreSplitToo()
    {
        var area = AreaOfInterest.Create(Polygon(SpatialReference.Wgs84,
            [179.0, 60.0], [181.0, 60.0], [181.0, 61.0], [179.0, 61.0], [179.0, 60.0]));
        Assert.True(area.CrossesAntimeridian);
        Assert.All(area.PartEnvelopesWgs84(), b => Assert.InRange(b.XMax, -180.0, 180.0));
    }

    [Fact]
    public void Create_SelfIntersectingPolygon_IsRefusedWithLocation()
    {
        var bowTie = Polygon(SpatialReference.Wgs84, [0, 0], [1, 1], [1, 0], [0, 1], [0, 0]);
        var error = Assert.Throws<AreaOfInterestException>(() => AreaOfInterest.Create(bowTie));
        Assert.Contains("must not cross itself", error.Message, StringComparison.Ordinal);
        Assert.Contains("longitude 0.5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("point")]
    [InlineData("empty")]
    [InlineData("flat")]
    [InlineData("poles")]
    [InlineData("nan")]
    public void Create_UnusableGeometry_IsRefusedWithClearMessage(string kind)
    {
        EsriGeometry geometry = kind switch
        {
            "point" => new EsriPoint(1, 2),
            "empty" => new EsriPolygon([]),
            "flat" => Polygon(null, [0, 0], [1, 1], [2, 2], [0, 0]),
            "poles" => Polygon(null, [0, 80], [10, 80], [10, 95], [0, 95], [0, 80]),
            "nan" => Polygon(null, [0, 0], [double.NaN, 1], [1, 1], [0, 0]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var error = Assert.Throws<AreaOfInterestException>(() => AreaOfInterest.Create(geometry));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.StartsWith("The area of interest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AreaOverLimit_IsRefusedNamingBothSizes()
    {
        var error = Assert.Throws<AreaOfInterestException>(() =>
            AreaOfInterest.Create(new EsriEnvelope(-123, 42, -122, 43), maxSquareKilometres: 1000));
        Assert.Contains("more than the limit of 1,000 km²", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToEsriPolygon_ExteriorRingsAreClockwise()
    {
        var ccw = Polygon(SpatialReference.Wgs84, [0, 0], [1, 0], [1, 1], [0, 1], [0, 0]);
        var esri = AreaOfInterest.Create(ccw).ToEsriPolygon(SpatialReference.Wgs84);
        var ring = esri.Rings.Single();
        var signedArea = 0.0;
        for (var i = 0; i < ring.Count - 1; i++)
        {
            signedArea += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
        }
        Assert.True(signedArea < 0, "ArcGIS exterior rings run clockwise (negative shoelace area).");
    }
}
