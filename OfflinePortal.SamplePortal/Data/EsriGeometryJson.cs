using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>Reads and writes ArcGIS JSON geometries (point, multipoint, polyline, polygon, envelope) as NTS geometries.</summary>
internal static class EsriGeometryJson
{
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), 0);

    /// <summary>Parses an ArcGIS JSON geometry; returns the geometry and the wkid it names, if any.</summary>
    public static (Geometry Geometry, int? Wkid) Read(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A geometry must be a JSON object.");
        }
        int? wkid = TryGetProperty(e, "spatialReference", out var sr) ? ReadWkid(sr) : null;
        if (TryGetProperty(e, "x", out var x) && TryGetProperty(e, "y", out var y))
        {
            if (x.ValueKind != JsonValueKind.Number || y.ValueKind != JsonValueKind.Number)
            {
                return (Factory.CreatePoint(), wkid);
            }
            return (Factory.CreatePoint(new Coordinate(x.GetDouble(), y.GetDouble())), wkid);
        }
        if (TryGetProperty(e, "xmin", out var xmin))
        {
            var env = new Envelope(xmin.GetDouble(), Number(e, "xmax"), Number(e, "ymin"), Number(e, "ymax"));
            return (Factory.ToGeometry(env), wkid);
        }
        if (TryGetProperty(e, "points", out var pts))
        {
            return (Factory.CreateMultiPointFromCoords(ReadCoordinates(pts)), wkid);
        }
        if (TryGetProperty(e, "paths", out var paths))
        {
            var lines = paths.EnumerateArray().Select(p => ReadCoordinates(p)).Where(c => c.Length >= 2)
                .Select(c => Factory.CreateLineString(c)).ToArray();
            return (lines.Length == 1 ? lines[0] : Factory.CreateMultiLineString(lines), wkid);
        }
        if (TryGetProperty(e, "rings", out var rings))
        {
            return (BuildPolygon(rings.EnumerateArray().Select(r => ReadCoordinates(r)).ToList()), wkid);
        }
        throw new FormatException("Unrecognised geometry: expected x/y, xmin/ymin/xmax/ymax, points, paths or rings.");
    }

    public static int? ReadWkid(JsonElement sr)
    {
        if (sr.ValueKind == JsonValueKind.Number)
        {
            return sr.GetInt32();
        }
        if (sr.ValueKind == JsonValueKind.String && int.TryParse(sr.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }
        if (sr.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (TryGetProperty(sr, "latestWkid", out var l) && l.ValueKind == JsonValueKind.Number)
        {
            return l.GetInt32();
        }
        if (TryGetProperty(sr, "wkid", out var w) && w.ValueKind == JsonValueKind.Number)
        {
            return w.GetInt32();
        }
        throw new FormatException("Only spatial references given by wkid are supported.");
    }

    /// <summary>Builds polygons from ArcGIS rings: clockwise rings are shells, counter-clockwise rings are holes.</summary>
    private static Geometry BuildPolygon(List<Coordinate[]> rings)
    {
        var shells = new List<(LinearRing Ring, List<LinearRing> Holes)>();
        var holes = new List<LinearRing>();
        foreach (var coords in rings)
        {
            if (coords.Length < 3)
            {
                continue;
            }
            var closed = coords[0].Equals2D(coords[^1]) ? coords : [.. coords, coords[0].Copy()];
            if (closed.Length < 4)
            {
                continue;
            }
            var ring = Factory.CreateLinearRing(closed);
            if (Orientation.IsCCW(closed))
            {
                holes.Add(ring);
            }
            else
            {
                shells.Add((ring, []));
            }
        }
        if (shells.Count == 0)
        {
            // Counter-clockwise shells are common from other writers; take them as shells rather than fail.
            shells.AddRange(holes.Select(h => (h, new List<LinearRing>())));
            holes.Clear();
        }
        foreach (var hole in holes)
        {
            var owner = shells.FirstOrDefault(s => Factory.CreatePolygon(s.Ring).Contains(hole.StartPoint));
            (owner.Ring is null ? shells[0] : owner).Holes.Add(hole);
        }
        var polygons = shells.Select(s => Factory.CreatePolygon(s.Ring, [.. s.Holes])).ToArray();
        return polygons.Length == 1 ? polygons[0] : Factory.CreateMultiPolygon(polygons);
    }

    private static Coordinate[] ReadCoordinates(JsonElement array) =>
        array.EnumerateArray().Select(p => new Coordinate(p[0].GetDouble(), p[1].GetDouble())).ToArray();

    private static double Number(JsonElement e, string name) =>
        TryGetProperty(e, name, out var v) ? v.GetDouble() : throw new FormatException($"Envelope needs '{name}'.");

    /// <summary>Property lookup that ignores case, as ArcGIS does for JSON parameters.</summary>
    public static bool TryGetProperty(JsonElement e, string name, out JsonElement value)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty(name, out value))
            {
                return true;
            }
            foreach (var p in e.EnumerateObject())
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = p.Value;
                    return true;
                }
            }
        }
        value = default;
        return false;
    }

    public static void WriteSpatialReference(Utf8JsonWriter w, int wkid)
    {
        w.WriteStartObject();
        if (WebMercator.IsWebMercator(wkid))
        {
            w.WriteNumber("wkid", WebMercator.Wkid);
            w.WriteNumber("latestWkid", WebMercator.LatestWkid);
        }
        else
        {
            w.WriteNumber("wkid", wkid);
            w.WriteNumber("latestWkid", wkid);
        }
        w.WriteEndObject();
    }

    /// <summary>Writes the geometry's coordinates as ArcGIS JSON (no spatial reference: responses carry it once at the top).</summary>
    public static void Write(Utf8JsonWriter w, Geometry g, int? wkid = null)
    {
        w.WriteStartObject();
        switch (g)
        {
            case Point p:
                if (p.IsEmpty)
                {
                    w.WriteNull("x");
                    w.WriteNull("y");
                }
                else
                {
                    w.WriteNumber("x", p.X);
                    w.WriteNumber("y", p.Y);
                }
                break;
            case MultiPoint mp:
                w.WriteStartArray("points");
                foreach (var c in mp.Coordinates)
                {
                    WritePair(w, c);
                }
                w.WriteEndArray();
                break;
            case LineString or MultiLineString:
                w.WriteStartArray("paths");
                for (var i = 0; i < g.NumGeometries; i++)
                {
                    WriteRing(w, g.GetGeometryN(i).Coordinates);
                }
                w.WriteEndArray();
                break;
            case Polygon or MultiPolygon:
                w.WriteStartArray("rings");
                for (var i = 0; i < g.NumGeometries; i++)
                {
                    var poly = (Polygon)g.GetGeometryN(i);
                    WriteRing(w, Oriented(poly.ExteriorRing.Coordinates, clockwise: true));
                    foreach (var hole in poly.InteriorRings)
                    {
                        WriteRing(w, Oriented(hole.Coordinates, clockwise: false));
                    }
                }
                w.WriteEndArray();
                break;
            default:
                throw new NotSupportedException("Geometry type " + g.GeometryType);
        }
        if (wkid is { } id)
        {
            w.WritePropertyName("spatialReference");
            WriteSpatialReference(w, id);
        }
        w.WriteEndObject();
    }

    public static void WriteEnvelope(Utf8JsonWriter w, Envelope e, int wkid)
    {
        w.WriteStartObject();
        w.WriteNumber("xmin", e.MinX);
        w.WriteNumber("ymin", e.MinY);
        w.WriteNumber("xmax", e.MaxX);
        w.WriteNumber("ymax", e.MaxY);
        w.WritePropertyName("spatialReference");
        WriteSpatialReference(w, wkid);
        w.WriteEndObject();
    }

    /// <summary>GeoJSON geometry (RFC 7946: counter-clockwise shells).</summary>
    public static void WriteGeoJson(Utf8JsonWriter w, Geometry g)
    {
        w.WriteStartObject();
        switch (g)
        {
            case Point p:
                w.WriteString("type", "Point");
                w.WritePropertyName("coordinates");
                WritePair(w, p.Coordinate);
                break;
            case MultiPoint mp:
                w.WriteString("type", "MultiPoint");
                w.WriteStartArray("coordinates");
                foreach (var c in mp.Coordinates)
                {
                    WritePair(w, c);
                }
                w.WriteEndArray();
                break;
            case LineString ls:
                w.WriteString("type", "LineString");
                w.WritePropertyName("coordinates");
                WriteRing(w, ls.Coordinates);
                break;
            case MultiLineString mls:
                w.WriteString("type", "MultiLineString");
                w.WriteStartArray("coordinates");
                for (var i = 0; i < mls.NumGeometries; i++)
                {
                    WriteRing(w, mls.GetGeometryN(i).Coordinates);
                }
                w.WriteEndArray();
                break;
            case Polygon or MultiPolygon:
                w.WriteString("type", g is Polygon ? "Polygon" : "MultiPolygon");
                w.WriteStartArray("coordinates");
                for (var i = 0; i < g.NumGeometries; i++)
                {
                    var poly = (Polygon)g.GetGeometryN(i);
                    if (g is MultiPolygon)
                    {
                        w.WriteStartArray();
                    }
                    WriteRing(w, Oriented(poly.ExteriorRing.Coordinates, clockwise: false));
                    foreach (var hole in poly.InteriorRings)
                    {
                        WriteRing(w, Oriented(hole.Coordinates, clockwise: true));
                    }
                    if (g is MultiPolygon)
                    {
                        w.WriteEndArray();
                    }
                }
                w.WriteEndArray();
                break;
            default:
                throw new NotSupportedException("Geometry type " + g.GeometryType);
        }
        w.WriteEndObject();
    }

    private static Coordinate[] Oriented(Coordinate[] ring, bool clockwise)
    {
        if (ring.Length < 4 || Orientation.IsCCW(ring) != clockwise)
        {
            return ring;
        }
        var copy = (Coordinate[])ring.Clone();
        Array.Reverse(copy);
        return copy;
    }

    private static void WriteRing(Utf8JsonWriter w, Coordinate[] coords)
    {
        w.WriteStartArray();
        foreach (var c in coords)
        {
            WritePair(w, c);
        }
        w.WriteEndArray();
    }

    private static void WritePair(Utf8JsonWriter w, Coordinate c)
    {
        w.WriteStartArray();
        w.WriteNumberValue(c.X);
        w.WriteNumberValue(c.Y);
        w.WriteEndArray();
    }
}
