using System.Globalization;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Microsoft.Extensions.Options;
using NetTopologySuite.Operation.Valid;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Geometry;
using OfflinePortal.Core.Offline;

namespace OfflinePortal.Core.Areas;

/// <summary>
/// Checks an area's geometry given as GeoJSON (drawn on the map or uploaded as a file): a Polygon, MultiPolygon, Feature
/// or FeatureCollection of polygons, in WGS84 longitude/latitude, not empty, not self-intersecting, within the range a
/// web map can show, and no larger than the offline engine accepts (<see cref="OfflineMapOptions.MaxAreaSquareKilometres"/>),
/// so that a saved area can always be used for a job. The result is the normalised geometry (one Polygon or MultiPolygon) and its bounding box, or one
/// message that says what is wrong and where.
/// </summary>
public sealed class AreaValidator(IOptions<OfflineMapOptions> offlineOptions)
{
    /// <summary>Largest GeoJSON text accepted (1 MiB).</summary>
    public const int MaxGeoJsonBytes = 1024 * 1024;

    /// <summary>Most vertices in an area; ArcGIS refuses areas of interest over 100,000 characters anyway.</summary>
    public const int MaxVertices = 20_000;

    /// <summary>Web Mercator cannot show latitudes beyond this.</summary>
    public const double MaxLatitude = 85.0511287798;

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>Validates an uploaded file, reading at most <see cref="MaxGeoJsonBytes"/> + 1 bytes of it.</summary>
    public async Task<AreaGeometryResult> ValidateAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = new byte[MaxGeoJsonBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await content.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += n;
        }
        if (read > MaxGeoJsonBytes)
        {
            return AreaGeometryResult.Fail(string.Create(CultureInfo.InvariantCulture, $"The file is larger than {MaxGeoJsonBytes / 1024} KB; simplify the area first."));
        }
        return Validate(Encoding.UTF8.GetString(buffer, 0, read));
    }

    /// <summary>The largest area the offline engine accepts (<see cref="OfflineMapOptions.MaxAreaSquareKilometres"/>).</summary>
    public double MaxAreaSquareKilometres => offlineOptions.Value.MaxAreaSquareKilometres;

    /// <summary>
    /// The area's size as the engine measures it (geodesic, antimeridian-aware), also when it is over the limit, so a
    /// page can show it next to the limit; null when the GeoJSON cannot be read as an area at all.
    /// </summary>
    public static double? SquareKilometres(string? geoJson)
    {
        if (string.IsNullOrWhiteSpace(geoJson))
        {
            return null;
        }
        try
        {
            return AreaOfInterest.Create(OfflineMapService.AreaGeometry(geoJson)).AreaSquareKilometres;
        }
        catch (ArgumentException)
        {
            return null; // AreaOfInterestException and unreadable shapes: Validate says why
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public AreaGeometryResult Validate(string? geoJson)
    {
        if (string.IsNullOrWhiteSpace(geoJson))
        {
            return AreaGeometryResult.Fail("No area: draw a rectangle or polygon, or upload a GeoJSON file.");
        }
        if (Encoding.UTF8.GetByteCount(geoJson) > MaxGeoJsonBytes)
        {
            return AreaGeometryResult.Fail(string.Create(CultureInfo.InvariantCulture, $"The GeoJSON is larger than {MaxGeoJsonBytes / 1024} KB; simplify the area first."));
        }
        try
        {
            using var document = JsonDocument.Parse(geoJson, new JsonDocumentOptions { MaxDepth = 16 });
            var polygons = new List<Polygon>();
            ReadObject(document.RootElement, polygons, "the file");
            if (polygons.Count == 0)
            {
                return AreaGeometryResult.Fail("The GeoJSON holds no polygon.");
            }
            var vertices = polygons.Sum(p => p.NumPoints);
            if (vertices > MaxVertices)
            {
                return AreaGeometryResult.Fail(string.Create(CultureInfo.InvariantCulture, $"The area has {vertices:N0} vertices; at most {MaxVertices:N0} are allowed. Simplify it first."));
            }
            for (var i = 0; i < polygons.Count; i++)
            {
                var error = new IsValidOp(polygons[i]).ValidationError;
                if (error is not null)
                {
                    var which = polygons.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"Polygon {i + 1}") : "The polygon";
                    return AreaGeometryResult.Fail(string.Create(CultureInfo.InvariantCulture,
                        $"{which} is not valid: {Describe(error)} near {error.Coordinate.X:0.######}, {error.Coordinate.Y:0.######}."));
                }
                if (polygons[i].Area <= 0)
                {
                    return AreaGeometryResult.Fail("The area is empty (it has no surface).");
                }
            }
            NetTopologySuite.Geometries.Geometry geometry = polygons.Count == 1 ? polygons[0] : Factory.BuildGeometry(polygons).Union();
            if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty || geometry.Area <= 0)
            {
                return AreaGeometryResult.Fail("The area is empty (it has no surface).");
            }
            var normalised = Write(geometry);
            // The engine's own rule (geodesic size, antimeridian handling) rather than a second estimate of the size here.
            AreaOfInterest.Create(NtsConversion.ToEsriPolygon(geometry, SpatialReference.Wgs84), offlineOptions.Value.MaxAreaSquareKilometres);
            var envelope = geometry.EnvelopeInternal;
            return AreaGeometryResult.Ok(normalised, envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY, geometry);
        }
        catch (JsonException ex)
        {
            return AreaGeometryResult.Fail("The file is not valid JSON" + (ex.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1})") : "") + ".");
        }
        catch (AreaFormatException ex)
        {
            return AreaGeometryResult.Fail(ex.Message);
        }
        catch (AreaOfInterestException ex)
        {
            return AreaGeometryResult.Fail(ex.Message);
        }
    }

    private static void ReadObject(JsonElement element, List<Polygon> polygons, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AreaFormatException($"Expected a GeoJSON object in {where}.");
        }
        if (element.TryGetProperty("crs", out var crs) && crs.ValueKind == JsonValueKind.Object && !IsWgs84(crs))
        {
            throw new AreaFormatException("The GeoJSON names a coordinate system other than WGS84; save it as WGS84 (EPSG:4326) longitude/latitude.");
        }
        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "FeatureCollection":
                if (!element.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                {
                    throw new AreaFormatException("The FeatureCollection has no \"features\" array.");
                }
                var index = 0;
                foreach (var feature in features.EnumerateArray())
                {
                    index++;
                    ReadObject(feature, polygons, string.Create(CultureInfo.InvariantCulture, $"feature {index}"));
                }
                break;
            case "Feature":
                if (!element.TryGetProperty("geometry", out var geometry) || geometry.ValueKind == JsonValueKind.Null)
                {
                    throw new AreaFormatException($"{Capitalise(where)} has no geometry.");
                }
                ReadObject(geometry, polygons, where);
                break;
            case "Polygon":
                polygons.Add(ReadPolygon(Coordinates(element, where), where));
                break;
            case "MultiPolygon":
                var parts = Coordinates(element, where);
                foreach (var part in parts.EnumerateArray())
                {
                    polygons.Add(ReadPolygon(part, where));
                }
                break;
            case null:
                throw new AreaFormatException($"{Capitalise(where)} is not GeoJSON: it has no \"type\".");
            default:
                throw new AreaFormatException($"{Capitalise(where)} is a {type}; an area must be a Polygon or MultiPolygon.");
        }
    }

    private static JsonElement Coordinates(JsonElement element, string where) =>
        element.TryGetProperty("coordinates", out var c) && c.ValueKind == JsonValueKind.Array
            ? c
            : throw new AreaFormatException($"The geometry of {where} has no \"coordinates\" array.");

    private static Polygon ReadPolygon(JsonElement rings, string where)
    {
        if (rings.ValueKind != JsonValueKind.Array || rings.GetArrayLength() == 0)
        {
            throw new AreaFormatException($"A polygon in {where} has no rings.");
        }
        var linearRings = new List<LinearRing>();
        foreach (var ring in rings.EnumerateArray())
        {
            if (ring.ValueKind != JsonValueKind.Array)
            {
                throw new AreaFormatException($"A ring in {where} is not an array of positions.");
            }
            var coordinates = new List<Coordinate>(ring.GetArrayLength());
            foreach (var position in ring.EnumerateArray())
            {
                coordinates.Add(ReadPosition(position, where));
            }
            if (coordinates.Count < 4)
            {
                throw new AreaFormatException($"A ring in {where} has {coordinates.Count} positions; a polygon ring needs at least 4 (the first repeated at the end).");
            }
            if (!coordinates[0].Equals2D(coordinates[^1]))
            {
                throw new AreaFormatException($"A ring in {where} is not closed: its last position must equal its first.");
            }
            linearRings.Add(Factory.CreateLinearRing([.. coordinates]));
        }
        return Factory.CreatePolygon(linearRings[0], [.. linearRings.Skip(1)]);
    }

    private static Coordinate ReadPosition(JsonElement position, string where)
    {
        if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2
            || position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number)
        {
            throw new AreaFormatException($"A position in {where} is not [longitude, latitude].");
        }
        var x = position[0].GetDouble();
        var y = position[1].GetDouble();
        if (!double.IsFinite(x) || !double.IsFinite(y) || x is < -180 or > 180 || y is < -90 or > 90)
        {
            throw new AreaFormatException(string.Create(CultureInfo.InvariantCulture,
                $"The position {x:0.######}, {y:0.######} in {where} is not a WGS84 longitude/latitude; save the file in EPSG:4326."));
        }
        if (Math.Abs(y) > MaxLatitude)
        {
            throw new AreaFormatException(string.Create(CultureInfo.InvariantCulture,
                $"The latitude {y:0.######} in {where} is beyond ±85.05°, which web maps cannot show."));
        }
        return new Coordinate(x, y);
    }

    private static bool IsWgs84(JsonElement crs)
    {
        var name = crs.TryGetProperty("properties", out var p) && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString() ?? ""
            : "";
        return name.EndsWith("CRS84", StringComparison.OrdinalIgnoreCase)
               || name.EndsWith("4326", StringComparison.Ordinal)
               || name.Length == 0;
    }

    private static string Describe(TopologyValidationError error) => error.ErrorType switch
    {
        TopologyValidationErrors.SelfIntersection or TopologyValidationErrors.RingSelfIntersection => "its edges cross each other (self-intersection)",
        TopologyValidationErrors.TooFewPoints => "a ring has too few distinct points",
        TopologyValidationErrors.HoleOutsideShell => "a hole lies outside its outer ring",
        TopologyValidationErrors.NestedHoles => "holes are nested",
        TopologyValidationErrors.DisconnectedInteriors => "its interior is split in pieces",
        TopologyValidationErrors.NestedShells => "polygons are nested",
        TopologyValidationErrors.DuplicateRings => "a ring is repeated",
        _ => error.Message.ToLowerInvariant(),
    };

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>GeoJSON of a Polygon or MultiPolygon, invariant culture, no extra members.</summary>
    public static string Write(NetTopologySuite.Geometries.Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            switch (geometry)
            {
                case Polygon polygon:
                    writer.WriteString("type", "Polygon");
                    writer.WritePropertyName("coordinates");
                    WritePolygon(writer, polygon);
                    break;
                case MultiPolygon multi:
                    writer.WriteString("type", "MultiPolygon");
                    writer.WritePropertyName("coordinates");
                    writer.WriteStartArray();
                    foreach (var part in multi.Geometries.Cast<Polygon>())
                    {
                        WritePolygon(writer, part);
                    }
                    writer.WriteEndArray();
                    break;
                default:
                    throw new ArgumentException("Only polygons can be written.", nameof(geometry));
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WritePolygon(Utf8JsonWriter writer, Polygon polygon)
    {
        writer.WriteStartArray();
        WriteRing(writer, polygon.Shell);
        foreach (var hole in polygon.Holes)
        {
            WriteRing(writer, hole);
        }
        writer.WriteEndArray();
    }

    private static void WriteRing(Utf8JsonWriter writer, LineString ring)
    {
        writer.WriteStartArray();
        foreach (var c in ring.Coordinates)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(Math.Round(c.X, 8));
            writer.WriteNumberValue(Math.Round(c.Y, 8));
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private sealed class AreaFormatException(string message) : Exception(message);
}

/// <summary>The outcome of <see cref="AreaValidator"/>: the normalised GeoJSON and bounding box, or an error for the user.</summary>
public sealed record AreaGeometryResult(string? GeoJson, string? Error, double MinX, double MinY, double MaxX, double MaxY, NetTopologySuite.Geometries.Geometry? Geometry)
{
    public bool IsValid => Error is null;

    public static AreaGeometryResult Ok(string geoJson, double minX, double minY, double maxX, double maxY, NetTopologySuite.Geometries.Geometry geometry) =>
        new(geoJson, null, minX, minY, maxX, maxY, geometry);

    public static AreaGeometryResult Fail(string error) => new(null, error, 0, 0, 0, 0, null);
}
