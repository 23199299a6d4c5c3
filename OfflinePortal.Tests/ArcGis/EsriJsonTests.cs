using System.Text;
using System.Text.Json;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Tests.ArcGis;

public sealed class EsriJsonTests
{
    [Fact]
    public void ParseGeometry_PointWithZAndM_ReadsBoth()
    {
        var point = Assert.IsType<EsriPoint>(EsriJson.ParseGeometry("""{"x":1.5,"y":-2,"z":30,"m":4,"spatialReference":{"wkid":102100,"latestWkid":3857}}"""));

        Assert.Equal(new EsriPoint(1.5, -2, 30, 4) { HasZ = true, HasM = true, SpatialReference = SpatialReference.WebMercator }, point);
    }

    [Fact]
    public void ParseGeometry_EmptyPoint_IsEmpty()
    {
        Assert.True(EsriJson.ParseGeometry("""{"x":"NaN","y":"NaN"}""")!.IsEmpty);
        Assert.True(EsriJson.ParseGeometry("""{"x":null}""")!.IsEmpty);
        Assert.Null(EsriJson.ParseGeometry("null"));
        Assert.Null(EsriJson.ParseGeometry("{}"));
    }

    [Fact]
    public void ParseGeometry_KeysInAnyOrderAndCase_AreRead()
    {
        var line = Assert.IsType<EsriPolyline>(EsriJson.ParseGeometry("""{"SpatialReference":{"WKID":4326},"Paths":[[[0,0],[1,1]]],"HASZ":false}"""));

        Assert.True(line.SpatialReference!.IsWgs84);
        Assert.Equal([0.0, 0.0], line.Paths[0][0]);
        Assert.False(line.HasZ);
    }

    [Fact]
    public void ParseGeometry_PolygonWithHasMOnly_PutsThirdValueInM()
    {
        var polygon = Assert.IsType<EsriPolygon>(EsriJson.ParseGeometry("""{"hasM":true,"rings":[[[0,0,7],[0,1,8],[1,1,9],[0,0,7]]]}"""));

        Assert.True(polygon.HasM);
        Assert.False(polygon.HasZ);
        Assert.Equal([0.0, 1.0, 8.0], polygon.Rings[0][1]);
    }

    [Fact]
    public void ParseGeometry_NoFlags_InfersZFromCoordinateLength()
    {
        var multipoint = Assert.IsType<EsriMultipoint>(EsriJson.ParseGeometry("""{"points":[[1,2,3],[4,5]]}"""));

        Assert.True(multipoint.HasZ);
        Assert.False(multipoint.HasM);
        Assert.Equal(3, multipoint.Points[1].Length);
        Assert.True(double.IsNaN(multipoint.Points[1][2]));
    }

    [Fact]
    public void ParseGeometry_ContextFlags_ApplyWhenGeometryHasNone()
    {
        var line = Assert.IsType<EsriPolyline>(EsriJson.ParseGeometry("""{"paths":[[[0,0,5,6],[1,1,7,8]]]}""", new EsriGeometryContext(HasZ: true, HasM: true)));

        Assert.True(line.HasZ);
        Assert.True(line.HasM);
        Assert.Equal([1.0, 1.0, 7.0, 8.0], line.Paths[0][1]);
    }

    [Fact]
    public void ParseGeometry_TrueCurves_KeepEndPoints()
    {
        var polygon = Assert.IsType<EsriPolygon>(EsriJson.ParseGeometry(
            """{"curveRings":[[[0,0],{"c":[[2,0],[1,1]]},{"a":[[2,2],[1,1],0,1]},{"b":[[0,2],[1,3],[0,3]]},[0,0]]]}"""));

        Assert.Equal([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]], polygon.Rings[0]);
    }

    [Fact]
    public void ParseGeometry_Envelope_WktOnlySpatialReference()
    {
        var envelope = Assert.IsType<EsriEnvelope>(EsriJson.ParseGeometry("""{"xmin":1,"ymin":2,"xmax":3,"ymax":4,"spatialReference":{"wkt":"PROJCS[\"x\"]"}}"""));

        Assert.Equal(2, envelope.Width);
        Assert.Null(envelope.SpatialReference!.Wkid);
        Assert.Equal("PROJCS[\"x\"]", envelope.SpatialReference.Wkt);
    }

    [Theory]
    [InlineData("""{"x":1,"y":2,"spatialReference":{"wkid":4326,"latestWkid":4326}}""")]
    [InlineData("""{"x":1,"y":2,"z":3}""")]
    [InlineData("""{"hasZ":true,"points":[[1,2,3],[4,5,6]]}""")]
    [InlineData("""{"paths":[[[1,2],[3,4]],[[5,6],[7,8]]],"spatialReference":{"wkid":102100,"latestWkid":3857}}""")]
    [InlineData("""{"hasM":true,"rings":[[[0,0,1],[0,1,2],[1,1,3],[0,0,1]]]}""")]
    [InlineData("""{"xmin":-1.5,"ymin":-2.5,"xmax":3.25,"ymax":4.125}""")]
    public void WriteGeometry_RoundTrip_GivesEqualGeometry(string json)
    {
        var geometry = EsriJson.ParseGeometry(json)!;

        var again = EsriJson.ParseGeometry(EsriJson.ToJson(geometry))!;

        Assert.Equal(EsriJson.ToJson(geometry), EsriJson.ToJson(again));
        Assert.Equal(geometry.Type, again.Type);
        Assert.Equal(geometry.HasZ, again.HasZ);
        Assert.Equal(geometry.HasM, again.HasM);
        Assert.Equal(geometry.GetExtent(), again.GetExtent());
    }

    [Fact]
    public void WriteFeature_AttributeTypes_AreWrittenAsArcGisExpects()
    {
        var feature = new EsriFeature(new Dictionary<string, object?>
        {
            ["L"] = 5L,
            ["D"] = 2.5,
            ["S"] = "text",
            ["B"] = true,
            ["N"] = null,
            ["T"] = DateTimeOffset.FromUnixTimeMilliseconds(1767225600000),
            ["G"] = Guid.Parse("11111111-2222-3333-4444-555555555555"),
            ["NaN"] = double.NaN,
        }, new EsriPoint(1, 2));
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            EsriJson.WriteFeature(writer, feature);
        }

        var root = JsonDocument.Parse(buffer.ToArray()).RootElement;

        var a = root.GetProperty("attributes");
        Assert.Equal(5, a.GetProperty("L").GetInt64());
        Assert.Equal(2.5, a.GetProperty("D").GetDouble());
        Assert.True(a.GetProperty("B").GetBoolean());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("N").ValueKind);
        Assert.Equal(1767225600000, a.GetProperty("T").GetInt64());
        Assert.Equal("{11111111-2222-3333-4444-555555555555}", a.GetProperty("G").GetString());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("NaN").ValueKind);
        Assert.Equal(2, root.GetProperty("geometry").GetProperty("y").GetDouble());
    }

    [Fact]
    public void ReadFeature_Attributes_AreClrValues()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"geometry":null,"attributes":{"i":3,"big":9007199254740993,"d":1.25,"s":"x","t":true,"f":false,"n":null,"o":{"k":1}}}""");
        var reader = new Utf8JsonReader(bytes);
        reader.Read();

        var feature = EsriJson.ReadFeature(ref reader);

        Assert.Equal(3L, feature.GetAttribute("i"));
        Assert.Equal(9007199254740993L, feature.GetAttribute("big"));
        Assert.Equal(1.25, feature.GetAttribute("d"));
        Assert.Equal("x", feature.GetAttribute("s"));
        Assert.Equal(true, feature.GetAttribute("t"));
        Assert.Equal(false, feature.GetAttribute("f"));
        Assert.Null(feature.GetAttribute("n"));
        Assert.Equal("""{"k":1}""", feature.GetAttribute("o"));
        Assert.Null(feature.Geometry);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
    }

    [Fact]
    public void GeoJson_FixturePoint_BecomesWgs84Point()
    {
        var geometry = GeoJson.ReadGeometry(ArcGisTestServer.FixtureText("query-response-points-geojson.json"));

        var point = Assert.IsType<EsriPoint>(geometry);
        Assert.Equal(-73.045075, point.X);
        Assert.Equal(40.816799, point.Y);
        Assert.True(point.SpatialReference!.IsWgs84);
    }

    [Fact]
    public void GeoJson_KoopPage_BecomesMultipoint()
    {
        var geometry = GeoJson.ReadGeometry(File.ReadAllText(ArcGisTestServer.KoopFile("points-query-geojson-page2.json")));

        var multipoint = Assert.IsType<EsriMultipoint>(geometry);
        Assert.Equal([[10.0, 59.0], [10.01, 59.0]], multipoint.Points);
    }

    [Fact]
    public void GeoJson_PolygonWithHole_IsReorientedForEsri()
    {
        // RFC 7946: exterior counter-clockwise, hole clockwise.
        const string json = """
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[
              [[0,0],[10,0],[10,10],[0,10],[0,0]],
              [[2,2],[2,8],[8,8],[8,2],[2,2]]]}}
            """;

        var polygon = Assert.IsType<EsriPolygon>(GeoJson.ReadGeometry(json));

        Assert.True(GeoJson.SignedArea(polygon.Rings[0]) < 0, "Esri exterior rings run clockwise");
        Assert.True(GeoJson.SignedArea(polygon.Rings[1]) > 0, "Esri holes run counter-clockwise");
        Assert.Equal(new EsriEnvelope(0, 0, 10, 10), polygon.GetExtent());
    }

    [Fact]
    public void GeoJson_RoundTripOfMultiPolygonWithHole_KeepsStructure()
    {
        const string json = """
            {"type":"MultiPolygon","coordinates":[
              [[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,8],[8,8],[8,2],[2,2]]],
              [[[20,20],[30,20],[30,30],[20,20]]]]}
            """;

        var esri = (EsriPolygon)GeoJson.ReadGeometry(json);
        var back = JsonDocument.Parse(GeoJson.ToJson(esri)).RootElement;

        Assert.Equal(3, esri.Rings.Count);
        Assert.Equal("MultiPolygon", back.GetProperty("type").GetString());
        var polygons = back.GetProperty("coordinates");
        Assert.Equal(2, polygons.GetArrayLength());
        Assert.Equal(2, polygons[0].GetArrayLength());
        Assert.Equal(1, polygons[1].GetArrayLength());
        var exterior = polygons[0][0].EnumerateArray().Select(p => new[] { p[0].GetDouble(), p[1].GetDouble() }).ToList();
        Assert.True(GeoJson.SignedArea(exterior) > 0, "GeoJSON exterior rings run counter-clockwise");
    }

    [Fact]
    public void GeoJson_FeatureCollectionOfPolygons_MergesIntoOneArea()
    {
        const string json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
              {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,5]]]}}]}
            """;

        var polygon = Assert.IsType<EsriPolygon>(GeoJson.ReadGeometry(json));

        Assert.Equal(2, polygon.Rings.Count);
        Assert.Equal(new EsriEnvelope(0, 0, 6, 6), polygon.GetExtent());
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"type":"Banana"}""", "'Banana' is not a GeoJSON type")]
    [InlineData("""{"type":"FeatureCollection","features":[]}""", "holds no geometry")]
    [InlineData("""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},{"type":"LineString","coordinates":[[0,0],[1,1]]}]}""", "mixes")]
    public void GeoJson_BadInput_FailsClearly(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => GeoJson.ReadGeometry(json));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void GeoJson_LegacyCrs_IsHonoured()
    {
        var point = GeoJson.ReadGeometry("""{"type":"Point","coordinates":[100,200],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}}""");

        Assert.True(point.SpatialReference!.IsWebMercator);
    }

    [Theory]
    [InlineData("https://h/arcgis/rest/services/Water/FeatureServer/3", "https://h/arcgis/rest/services/Water/FeatureServer", ArcGisServiceType.FeatureServer, 3)]
    [InlineData("https://h/arcgis/rest/services/Water/MapServer/12/", "https://h/arcgis/rest/services/Water/MapServer", ArcGisServiceType.MapServer, 12)]
    [InlineData("https://h/arcgis/rest/services/Basemap/MapServer", "https://h/arcgis/rest/services/Basemap/MapServer", ArcGisServiceType.MapServer, null)]
    [InlineData("https://h/arcgis/rest/services/Hosted/V/VectorTileServer/resources/styles/root.json", "https://h/arcgis/rest/services/Hosted/V/VectorTileServer", ArcGisServiceType.VectorTileServer, null)]
    [InlineData("https://h/arcgis/rest/services/Water/featureserver/0/query?where=1%3D1", "https://h/arcgis/rest/services/Water/featureserver", ArcGisServiceType.FeatureServer, 0)]
    public void ServiceUrl_Split_GivesServiceAndLayer(string url, string service, ArcGisServiceType type, int? layer)
    {
        var parsed = ArcGisServiceUrl.TryParse(url)!;

        Assert.Equal(service, parsed.ServiceUrl.OriginalString);
        Assert.Equal(type, parsed.ServiceType);
        Assert.Equal(layer, parsed.LayerId);
    }

    [Fact]
    public void ServiceUrl_NotAService_IsNull()
    {
        Assert.Null(ArcGisServiceUrl.TryParse("https://example.com/data.csv"));
        Assert.Null(ArcGisServiceUrl.TryParse("not a url"));
    }
}
