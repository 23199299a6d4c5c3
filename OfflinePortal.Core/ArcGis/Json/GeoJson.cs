using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Json;

/// <summary>
/// GeoJSON (RFC 7946) geometry to and from the Esri geometry model, for areas of interest uploaded as GeoJSON and for
/// handing areas to map components. Ring orientation is converted (GeoJSON exteriors are counter-clockwise, Esri
/// exteriors clockwise); M values are dropped when writing because GeoJSON has none.
/// </summary>
public static class GeoJson
{
    /// <summary>
    /// Reads a GeoJSON Geometry, Feature, FeatureCollection or GeometryCollection into one Esri geometry: points
    /// become a point or multipoint, lines a polyline, polygons one polygon holding all rings. Mixing kinds fails.
    /// The spatial reference is WGS 84 unless a legacy <c>crs</c> member names an EPSG code.
    /// </summary>
    /// <exception cref="FormatException">The text is not GeoJSON, holds no geometry, or mixes geometry kinds.</exception>
    public static EsriGeometry ReadGeometry(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return ReadGeometry(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException("The GeoJSON is not valid JSON: " + e.Message, e);
        }
    }

    public static EsriGeometry ReadGeometry(JsonElement element)
    {
        var spatialReference = ReadCrs(element) ?? SpatialReference.Wgs84;
        var geometries = new List<EsriGeometry>();
        Collect(element, geometries, spatialReference);
        if (geometries.Count == 0)
        {
            throw new FormatException("The GeoJSON holds no geometry.");
        }
        var kinds = geometries.Select(g => g.Type == EsriGeometryType.Multipoint ? EsriGeometryType.Point : g.Type).Distinct().ToList();
        if (kinds.Count > 1)
        {
            throw new FormatException("The GeoJSON mixes " + string.Join(" and ", kinds) + " geometries; use one kind.");
        }
        if (geometries.Count == 1)
        {
            return geometries[0];
        }
        var hasZ = geometries.Any(g => g.HasZ);
        return kinds[0] switch
        {
            EsriGeometryType.Point => new EsriMultipoint(geometries.SelectMany(g => g is EsriPoint p ? [PointArray(p)] : ((EsriMultipoint)g).Points).ToList())
            {
                HasZ = hasZ,
                SpatialReference = spatialReference,
            },
            EsriGeometryType.Polyline => new EsriPolyline(geometries.SelectMany(g => ((EsriPolyline)g).Paths).ToList()) { HasZ = hasZ, SpatialReference = spatialReference },
            _ => new EsriPolygon(geometries.SelectMany(g => ((EsriPolygon)g).Rings).ToList()) { HasZ = hasZ, SpatialReference = spatialReference },
        };
    }

    /// <summary>The geometry as GeoJSON text.</summary>
    public static string ToJson(EsriGeometry geometry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteGeometry(writer, geometry);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes a GeoJSON geometry object. Polygons with several exterior rings become a MultiPolygon.</summary>
    public static void WriteGeometry(Utf8JsonWriter writer, EsriGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(geometry);
        writer.WriteStartObject();
        switch (geometry)
        {
            case EsriPoint p:
                writer.WriteString("type", "Point");
                writer.WritePropertyName("coordinates");
                if (p.IsEmpty)
                {
                    writer.WriteStartArray();
                    writer.WriteEndArray();
                }
                else
                {
                    WritePosition(writer, PointArray(p), p.HasZ);
                }
                break;
            case EsriMultipoint mp:
                writer.WriteString("type", "MultiPoint");
                writer.WritePropertyName("coordinates");
                WritePositions(writer, mp.Points, mp.HasZ);
                break;
            case EsriPolyline line when line.Paths.Count == 1:
                writer.WriteString("type", "LineString");
                writer.WritePropertyName("coordinates");
                WritePositions(writer, line.Paths[0], line.HasZ);
                break;
            case EsriPolyline line:
                writer.WriteString("type", "MultiLineString");
                writer.WritePropertyName("coordinates");
                writer.WriteStartArray();
                foreach (var path in line.Paths)
                {
                    WritePositions(writer, path, line.HasZ);
                }
                writer.WriteEndArray();
                break;
            case EsriPolygon polygon:
                WritePolygons(writer, GroupRings(polygon.Rings), polygon.HasZ);
                break;
            case EsriEnvelope envelope:
                double[][] ring =
                [
                    [envelope.XMin, envelope.YMin], [envelope.XMax, envelope.YMin], [envelope.XMax, envelope.YMax],
                    [envelope.XMin, envelope.YMax], [envelope.XMin, envelope.YMin],
                ];
                WritePolygons(writer, [[ring]], false);
                break;
            default:
                throw new ArgumentException($"Unknown geometry type {geometry.GetType().Name}.", nameof(geometry));
        }
        writer.WriteEndObject();
    }

    private static void Collect(JsonElement element, List<EsriGeometry> into, SpatialReference spatialReference)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            if (element.ValueKind == JsonValueKind.Null)
            {
                return;
            }
            throw new FormatException($"A GeoJSON object was expected, not {element.ValueKind}.");
        }
        var type = element.Str("type");
        switch (type?.ToUpperInvariant())
        {
            case "FEATURECOLLECTION":
                foreach (var feature in element.Array("features"))
                {
                    Collect(feature, into, spatialReference);
                }
                break;
            case "FEATURE":
                if (element.Prop("geometry") is { } geometry)
                {
                    Collect(geometry, into, spatialReference);
                }
                break;
            case "GEOMETRYCOLLECTION":
                foreach (var member in element.Array("geometries"))
                {
                    Collect(member, into, spatialReference);
                }
                break;
            case "POINT":
                var position = Position(Coordinates(element, type));
                into.Add(new EsriPoint(position[0], position[1], position.Length > 2 ? position[2] : null) { HasZ = position.Length > 2, SpatialReference = spatialReference });
                break;
            case "MULTIPOINT":
                var points = Positions(Coordinates(element, type));
                into.Add(new EsriMultipoint(points) { HasZ = points.Any(p => p.Length > 2), SpatialReference = spatialReference });
                break;
            case "LINESTRING":
                var path = Positions(Coordinates(element, type));
                into.Add(new EsriPolyline([path]) { HasZ = path.Any(p => p.Length > 2), SpatialReference = spatialReference });
                break;
            case "MULTILINESTRING":
                var paths = Coordinates(element, type).EnumerateArray().Select(Positions).ToList();
                into.Add(new EsriPolyline(paths) { HasZ = paths.Any(p => p.Any(c => c.Length > 2)), SpatialReference = spatialReference });
                break;
            case "POLYGON":
                into.Add(Polygon([Coordinates(element, type)], spatialReference));
                break;
            case "MULTIPOLYGON":
                into.Add(Polygon(Coordinates(element, type).EnumerateArray().ToList(), spatialReference));
                break;
            default:
                throw new FormatException($"'{type ?? "(missing)"}' is not a GeoJSON type.");
        }
    }

    private static EsriPolygon Polygon(List<JsonElement> polygons, SpatialReference spatialReference)
    {
        var rings = new List<IReadOnlyList<double[]>>();
        foreach (var polygon in polygons)
        {
            var index = 0;
            foreach (var ringElement in polygon.EnumerateArray())
            {
                var ring = Positions(ringElement);
                if (ring.Count == 0)
                {
                    continue;
                }
                // Esri: exterior rings clockwise (negative signed area), holes counter-clockwise.
                var exterior = index++ == 0;
                if (exterior ? SignedArea(ring) > 0 : SignedArea(ring) < 0)
                {
                    ring.Reverse();
                }
                rings.Add(ring);
            }
        }
        return new EsriPolygon(rings) { HasZ = rings.Any(r => r.Any(c => c.Length > 2)), SpatialReference = spatialReference };
    }

    private static JsonElement Coordinates(JsonElement element, string type) =>
        element.Prop("coordinates") is { ValueKind: JsonValueKind.Array } c ? c : throw new FormatException($"The GeoJSON {type} has no coordinates array.");

    private static List<double[]> Positions(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(Position).ToList() : throw new FormatException("GeoJSON positions must be arrays.");

    private static double[] Position(JsonElement position)
    {
        if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2)
        {
            throw new FormatException("A GeoJSON position needs at least two numbers.");
        }
        var values = position.EnumerateArray().Take(3).Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN).ToArray();
        return values;
    }

    private static SpatialReference? ReadCrs(JsonElement element)
    {
        var name = element.Obj("crs")?.Obj("properties")?.Str("name");
        if (name is null)
        {
            return null;
        }
        var digits = new string(name.Reverse().TakeWhile(char.IsDigit).Reverse().ToArray());
        if (name.Contains("CRS84", StringComparison.OrdinalIgnoreCase))
        {
            return SpatialReference.Wgs84;
        }
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code is 3857 or 102100 ? SpatialReference.WebMercator : new SpatialReference(code, code)
            : null;
    }

    /// <summary>Shoelace area; positive for counter-clockwise rings (y up).</summary>
    internal static double SignedArea(IReadOnlyList<double[]> ring)
    {
        var sum = 0.0;
        for (var i = 0; i < ring.Count; i++)
        {
            var a = ring[i];
            var b = ring[(i + 1) % ring.Count];
            sum += (a[0] * b[1]) - (b[0] * a[1]);
        }
        return sum / 2;
    }

    /// <summary>Groups Esri rings into polygons: each clockwise ring starts one, each hole joins the exterior containing it.</summary>
    private static List<List<IReadOnlyList<double[]>>> GroupRings(IReadOnlyList<IReadOnlyList<double[]>> rings)
    {
        var polygons = new List<List<IReadOnlyList<double[]>>>();
        var holes = new List<IReadOnlyList<double[]>>();
        foreach (var ring in rings.Where(r => r.Count > 0))
        {
            if (SignedArea(ring) <= 0)
            {
                polygons.Add([Reversed(ring)]);
            }
            else
            {
                holes.Add(ring);
            }
        }
        foreach (var hole in holes)
        {
            var owner = polygons.FirstOrDefault(p => Contains(p[0], hole[0]));
            if (owner is null)
            {
                // A counter-clockwise ring outside every exterior: treat it as an exterior of its own.
                polygons.Add([hole]);
            }
            else
            {
                owner.Add(Reversed(hole));
            }
        }
        return polygons;

        static IReadOnlyList<double[]> Reversed(IReadOnlyList<double[]> ring) => ring.Reverse().ToList();
    }

    private static bool Contains(IReadOnlyList<double[]> ring, double[] point)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var a = ring[i];
            var b = ring[j];
            if ((a[1] > point[1]) != (b[1] > point[1]) && point[0] < ((b[0] - a[0]) * (point[1] - a[1]) / (b[1] - a[1])) + a[0])
            {
                inside = !inside;
            }
        }
        return inside;
    }

    private static void WritePolygons(Utf8JsonWriter writer, List<List<IReadOnlyList<double[]>>> polygons, bool hasZ)
    {
        if (polygons.Count == 1)
        {
            writer.WriteString("type", "Polygon");
            writer.WritePropertyName("coordinates");
            WriteRings(writer, polygons[0], hasZ);
            return;
        }
        writer.WriteString("type", "MultiPolygon");
        writer.WritePropertyName("coordinates");
        writer.WriteStartArray();
        foreach (var polygon in polygons)
        {
            WriteRings(writer, polygon, hasZ);
        }
        writer.WriteEndArray();
    }

    private static void WriteRings(Utf8JsonWriter writer, List<IReadOnlyList<double[]>> rings, bool hasZ)
    {
        writer.WriteStartArray();
        foreach (var ring in rings)
        {
            WritePositions(writer, ring, hasZ);
        }
        writer.WriteEndArray();
    }

    private static void WritePositions(Utf8JsonWriter writer, IReadOnlyList<double[]> positions, bool hasZ)
    {
        writer.WriteStartArray();
        foreach (var position in positions)
        {
            WritePosition(writer, position, hasZ);
        }
        writer.WriteEndArray();
    }

    private static void WritePosition(Utf8JsonWriter writer, double[] position, bool hasZ)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(position[0]);
        writer.WriteNumberValue(position[1]);
        if (hasZ && position.Length > 2 && double.IsFinite(position[2]))
        {
            writer.WriteNumberValue(position[2]);
        }
        writer.WriteEndArray();
    }

    private static double[] PointArray(EsriPoint p) => p.HasZ && p.Z is { } z ? [p.X, p.Y, z] : [p.X, p.Y];
}
