using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.SamplePortal.Http;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>The two coordinate systems the sample services accept and answer in.</summary>
internal enum SampleSpatialReference
{
    WebMercator,
    Geographic,
}

/// <summary>
/// Reads the geometry parameters of ArcGIS REST operations (extents, spatial references, polygons, FeatureSets)
/// and brings them into Web Mercator, the storage system of the sample data.
/// </summary>
internal static class EsriGeometryInput
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 3857);

    public static object Json(SampleSpatialReference sr) => sr == SampleSpatialReference.WebMercator
        ? new { wkid = 102100, latestWkid = 3857 }
        : new { wkid = 4326, latestWkid = 4326 };

    public static SampleSpatialReference FromWkid(int wkid) => wkid switch
    {
        102100 or 3857 or 102113 or 900913 => SampleSpatialReference.WebMercator,
        4326 => SampleSpatialReference.Geographic,
        _ => throw new ArcGisException(400, $"Spatial reference {wkid.ToString(CultureInfo.InvariantCulture)} is not supported.", "Use 4326, 3857 or 102100."),
    };

    /// <summary>A spatial reference parameter: a bare wkid (<c>4326</c>) or JSON (<c>{"wkid":4326}</c>).</summary>
    public static SampleSpatialReference ParseSpatialReference(string? text, SampleSpatialReference fallback, string parameter)
    {
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var wkid))
        {
            return FromWkid(wkid);
        }
        using var document = ParseJson(text, parameter);
        return FromJsonElement(document.RootElement, fallback, parameter);
    }

    private static SampleSpatialReference FromJsonElement(JsonElement element, SampleSpatialReference fallback, string parameter)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return fallback;
        }
        foreach (var key in new[] { "latestWkid", "wkid" })
        {
            if (element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var wkid))
            {
                return FromWkid(wkid);
            }
        }
        if (element.TryGetProperty("wkt", out _))
        {
            throw new ArcGisException(400, $"'{parameter}': spatial references given as WKT are not supported.", "Use a wkid.");
        }
        return fallback;
    }

    /// <summary>An extent given as <c>xmin,ymin,xmax,ymax</c> or as envelope JSON (whose own SR wins), in Web Mercator.</summary>
    public static Envelope ParseExtent(string text, SampleSpatialReference defaultSr, string parameter)
    {
        if (text.TrimStart().StartsWith('{'))
        {
            using var document = ParseJson(text, parameter);
            return EnvelopeFromJson(document.RootElement, defaultSr, parameter);
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4 || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            throw new ArcGisException(400, $"'{parameter}' must be xmin,ymin,xmax,ymax or an envelope JSON.", $"Invalid value '{text}'.");
        }
        var v = parts.Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        return ToWebMercator(CheckedEnvelope(v[0], v[1], v[2], v[3], parameter), defaultSr);
    }

    /// <summary>
    /// An area of interest: a polygon JSON, an envelope JSON, or a FeatureSet whose features carry polygons (the
    /// <c>areaOfInterest</c> form). Returned in Web Mercator.
    /// </summary>
    public static Geometry ParseArea(string text, SampleSpatialReference defaultSr, string parameter)
    {
        using var document = ParseJson(text, parameter);
        var root = document.RootElement;
        var sr = FromJsonElement(root.TryGetProperty("spatialReference", out var rootSr) ? rootSr : default, defaultSr, parameter);
        if (root.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array)
        {
            var parts = new List<Geometry>();
            foreach (var feature in features.EnumerateArray())
            {
                if (feature.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object)
                {
                    parts.Add(AreaFromJson(geometry, sr, parameter));
                }
            }
            if (parts.Count == 0)
            {
                throw new ArcGisException(400, $"'{parameter}' holds no feature with a geometry.");
            }
            return parts.Count == 1 ? parts[0] : Factory.BuildGeometry(parts).Union();
        }
        return AreaFromJson(root, sr, parameter);
    }

    private static Geometry AreaFromJson(JsonElement geometry, SampleSpatialReference defaultSr, string parameter)
    {
        var sr = FromJsonElement(geometry.TryGetProperty("spatialReference", out var ownSr) ? ownSr : default, defaultSr, parameter);
        if (geometry.TryGetProperty("rings", out var rings) && rings.ValueKind == JsonValueKind.Array)
        {
            return PolygonFromRings(rings, sr, parameter);
        }
        if (geometry.TryGetProperty("xmin", out _))
        {
            return Factory.ToGeometry(EnvelopeFromJson(geometry, sr, parameter));
        }
        throw new ArcGisException(400, $"'{parameter}' must be a polygon (rings) or an envelope.");
    }

    private static Geometry PolygonFromRings(JsonElement rings, SampleSpatialReference sr, string parameter)
    {
        // Esri polygons list rings without saying which are holes: clockwise rings are outer, counter-clockwise holes.
        var shells = new List<(LinearRing Ring, Polygon Area)>();
        var holes = new List<LinearRing>();
        foreach (var ringJson in rings.EnumerateArray())
        {
            var coordinates = new List<Coordinate>();
            foreach (var point in ringJson.EnumerateArray())
            {
                if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() < 2
                    || point[0].ValueKind != JsonValueKind.Number || point[1].ValueKind != JsonValueKind.Number)
                {
                    throw new ArcGisException(400, $"'{parameter}': every ring vertex must be [x, y].");
                }
                coordinates.Add(ToWebMercator(point[0].GetDouble(), point[1].GetDouble(), sr));
            }
            if (coordinates.Count < 3)
            {
                throw new ArcGisException(400, $"'{parameter}': a ring needs at least three vertices.");
            }
            if (!coordinates[0].Equals2D(coordinates[^1]))
            {
                coordinates.Add(coordinates[0].Copy());
            }
            if (coordinates.Count < 4)
            {
                throw new ArcGisException(400, $"'{parameter}': a ring needs at least three distinct vertices.");
            }
            var ring = Factory.CreateLinearRing([.. coordinates]);
            if (NetTopologySuite.Algorithm.Orientation.IsCCW(ring.CoordinateSequence))
            {
                holes.Add(ring);
            }
            else
            {
                shells.Add((ring, Factory.CreatePolygon(ring)));
            }
        }
        if (shells.Count == 0)
        {
            // Some writers use the opposite orientation; take every ring as an outer one rather than refuse.
            shells.AddRange(holes.Select(h => (h, Factory.CreatePolygon(h))));
            holes.Clear();
        }
        var polygons = shells.Select(shell => Factory.CreatePolygon(
            shell.Ring,
            [.. holes.Where(h => shell.Area.Contains(Factory.CreatePoint(h.Coordinates[0])))])).ToArray();
        Geometry result = polygons.Length == 1 ? polygons[0] : Factory.CreateMultiPolygon(polygons);
        if (!result.IsValid)
        {
            result = result.Buffer(0);
        }
        if (result.IsEmpty || result.Area <= 0)
        {
            throw new ArcGisException(400, $"'{parameter}' encloses no area.");
        }
        return result;
    }

    private static Envelope EnvelopeFromJson(JsonElement element, SampleSpatialReference defaultSr, string parameter)
    {
        var sr = FromJsonElement(element.TryGetProperty("spatialReference", out var ownSr) ? ownSr : default, defaultSr, parameter);
        double Read(string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
                ? value.GetDouble()
                : throw new ArcGisException(400, $"'{parameter}': envelope needs a numeric '{name}'.");
        return ToWebMercator(CheckedEnvelope(Read("xmin"), Read("ymin"), Read("xmax"), Read("ymax"), parameter), sr);
    }

    private static Envelope CheckedEnvelope(double xmin, double ymin, double xmax, double ymax, string parameter)
    {
        if (!double.IsFinite(xmin) || !double.IsFinite(ymin) || !double.IsFinite(xmax) || !double.IsFinite(ymax) || xmax < xmin || ymax < ymin)
        {
            throw new ArcGisException(400, $"'{parameter}' is not a valid extent (xmin <= xmax and ymin <= ymax required).");
        }
        return new Envelope(xmin, xmax, ymin, ymax);
    }

    private static Envelope ToWebMercator(Envelope envelope, SampleSpatialReference sr) =>
        sr == SampleSpatialReference.WebMercator ? envelope : WebMercator.Project(envelope, WebMercator.Wgs84, WebMercator.LatestWkid);

    private static Coordinate ToWebMercator(double x, double y, SampleSpatialReference sr) =>
        sr == SampleSpatialReference.WebMercator ? new Coordinate(x, y) : ProjectedCoordinate(x, y);

    private static Coordinate ProjectedCoordinate(double longitude, double latitude)
    {
        var (x, y) = WebMercator.FromLonLat(longitude, latitude);
        return new Coordinate(x, y);
    }

    private static JsonDocument ParseJson(string text, string parameter)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new ArcGisException(400, $"'{parameter}' is not valid JSON.", ex.Message);
        }
    }
}
