using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Json;

/// <summary>
/// What a geometry reader knows from outside the geometry: the layer's geometry type, whether coordinates carry Z
/// and M, and the spatial reference of the surrounding answer. Values in the geometry itself win.
/// </summary>
public readonly record struct EsriGeometryContext(EsriGeometryType GeometryType = EsriGeometryType.None, bool? HasZ = null, bool? HasM = null,
    SpatialReference? SpatialReference = null);

/// <summary>
/// Esri JSON geometry, spatial reference and feature reading and writing: the one implementation used by queries,
/// replica files and web maps. Readers work on <see cref="Utf8JsonReader"/> (so they serve streamed input) with
/// convenience overloads for text and <see cref="JsonElement"/>.
/// </summary>
/// <remarks>
/// Tolerated: keys in any order and any case, <c>"NaN"</c> strings and nulls for missing coordinates,
/// coordinates with Z/M inferred from their length when no <c>hasZ</c>/<c>hasM</c> is given, and true curves
/// (<c>curvePaths</c>/<c>curveRings</c>), whose arc and Bézier segments are reduced to their end points.
/// </remarks>
public static class EsriJson
{
    private static readonly object[] SmallIntegers = Enumerable.Range(-1, 1026).Select(i => (object)(long)i).ToArray();
    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private enum Key
    {
        Other, X, Y, Z, M, Points, Paths, Rings, CurvePaths, CurveRings, XMin, YMin, XMax, YMax, HasZ, HasM, SpatialReference,
    }

    // ---------------------------------------------------------------- reading

    /// <summary>Parses an Esri JSON geometry from text; null for <c>null</c> or an object without coordinates.</summary>
    public static EsriGeometry? ParseGeometry(string json, EsriGeometryContext context = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ParseGeometry(Encoding.UTF8.GetBytes(json), context);
    }

    public static EsriGeometry? ParseGeometry(ReadOnlySpan<byte> utf8Json, EsriGeometryContext context = default)
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        reader.Read();
        return ReadGeometry(ref reader, context);
    }

    public static EsriGeometry? ParseGeometry(JsonElement element, EsriGeometryContext context = default) =>
        element.ValueKind is JsonValueKind.Object ? ParseGeometry(JsonSerializer.SerializeToUtf8Bytes(element), context) : null;

    /// <summary>Reads an envelope object (<c>xmin…</c>, an extent); null when absent or not an envelope.</summary>
    public static EsriEnvelope? ParseEnvelope(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e && ParseGeometry(e) is EsriEnvelope envelope ? envelope : null;

    public static SpatialReference? ParseSpatialReference(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return null;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(e);
        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        reader.Read();
        return ReadSpatialReference(ref reader);
    }

    /// <summary>
    /// Reads the geometry object at the reader's current token (<c>StartObject</c> or <c>Null</c>) and leaves the
    /// reader on its last token. Returns null for <c>null</c> and for an object holding no coordinates.
    /// </summary>
    public static EsriGeometry? ReadGeometry(ref Utf8JsonReader reader, EsriGeometryContext context = default)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A geometry must be a JSON object, not {reader.TokenType}.");
        }
        double x = double.NaN, y = double.NaN, xmax = double.NaN, ymax = double.NaN;
        double? z = null, m = null;
        bool seenX = false, seenXMin = false;
        bool? hasZ = null, hasM = null;
        var maxDimension = 0;
        List<double[]>? points = null;
        List<IReadOnlyList<double[]>>? parts = null;
        var partsKind = EsriGeometryType.None;
        SpatialReference? spatialReference = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = Classify(ref reader);
            reader.Read();
            switch (key)
            {
                case Key.X:
                    x = ReadNumber(ref reader);
                    seenX = true;
                    break;
                case Key.Y:
                    y = ReadNumber(ref reader);
                    break;
                case Key.Z:
                    z = ReadNullableNumber(ref reader);
                    break;
                case Key.M:
                    m = ReadNullableNumber(ref reader);
                    break;
                case Key.XMin:
                    x = ReadNumber(ref reader);
                    seenXMin = true;
                    break;
                case Key.YMin:
                    y = ReadNumber(ref reader);
                    break;
                case Key.XMax:
                    xmax = ReadNumber(ref reader);
                    break;
                case Key.YMax:
                    ymax = ReadNumber(ref reader);
                    break;
                case Key.HasZ:
                    hasZ = ReadBoolean(ref reader);
                    break;
                case Key.HasM:
                    hasM = ReadBoolean(ref reader);
                    break;
                case Key.SpatialReference:
                    spatialReference = ReadSpatialReference(ref reader);
                    break;
                case Key.Points:
                    points = ReadCoordinateList(ref reader, ref maxDimension);
                    break;
                case Key.Paths or Key.CurvePaths:
                    parts = ReadParts(ref reader, ref maxDimension);
                    partsKind = EsriGeometryType.Polyline;
                    break;
                case Key.Rings or Key.CurveRings:
                    parts = ReadParts(ref reader, ref maxDimension);
                    partsKind = EsriGeometryType.Polygon;
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }
        spatialReference ??= context.SpatialReference;

        if (parts is not null)
        {
            var (withZ, withM) = Dimensions(hasZ ?? context.HasZ, hasM ?? context.HasM, maxDimension);
            Normalize(parts, withZ, withM);
            return partsKind == EsriGeometryType.Polyline
                ? new EsriPolyline(parts) { HasZ = withZ, HasM = withM, SpatialReference = spatialReference }
                : new EsriPolygon(parts) { HasZ = withZ, HasM = withM, SpatialReference = spatialReference };
        }
        if (points is not null)
        {
            var (withZ, withM) = Dimensions(hasZ ?? context.HasZ, hasM ?? context.HasM, maxDimension);
            NormalizeList(points, withZ, withM);
            return new EsriMultipoint(points) { HasZ = withZ, HasM = withM, SpatialReference = spatialReference };
        }
        if (seenXMin)
        {
            return new EsriEnvelope(x, y, xmax, ymax) { SpatialReference = spatialReference };
        }
        if (seenX)
        {
            var pointHasZ = hasZ ?? (z is not null || (context.HasZ ?? false));
            var pointHasM = hasM ?? (m is not null || (context.HasM ?? false));
            return new EsriPoint(x, y, pointHasZ ? z ?? double.NaN : null, pointHasM ? m ?? double.NaN : null)
            {
                HasZ = pointHasZ,
                HasM = pointHasM,
                SpatialReference = spatialReference,
            };
        }
        return null;
    }

    /// <summary>Reads a spatial reference object at the current token; null for <c>null</c> or an empty object.</summary>
    public static SpatialReference? ReadSpatialReference(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipValue(ref reader);
            return null;
        }
        int? wkid = null, latest = null;
        string? wkt = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (name.Equals("wkid", StringComparison.OrdinalIgnoreCase))
            {
                wkid = ReadInt(ref reader);
            }
            else if (name.Equals("latestWkid", StringComparison.OrdinalIgnoreCase))
            {
                latest = ReadInt(ref reader);
            }
            else if (name.Equals("wkt", StringComparison.OrdinalIgnoreCase) && reader.TokenType == JsonTokenType.String)
            {
                wkt = reader.GetString();
            }
            else
            {
                SkipValue(ref reader);
            }
        }
        if (wkid is null && latest is null && string.IsNullOrEmpty(wkt))
        {
            return null;
        }
        if (wkid == (latest ?? wkid) && wkt is null)
        {
            if (wkid is 4326)
            {
                return SpatialReference.Wgs84;
            }
            if (wkid is 102100 && latest is 3857)
            {
                return SpatialReference.WebMercator;
            }
        }
        return new SpatialReference(wkid, latest, wkt);
    }

    /// <summary>Reads a feature (<c>{"attributes":{…},"geometry":{…}}</c>) at the current <c>StartObject</c>.</summary>
    public static EsriFeature ReadFeature(ref Utf8JsonReader reader, EsriGeometryContext context = default) =>
        ReadFeature(ref reader, context, null);

    internal static EsriFeature ReadFeature(ref Utf8JsonReader reader, in EsriGeometryContext context, AttributeNameCache? names)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A feature must be a JSON object, not {reader.TokenType}.");
        }
        Dictionary<string, object?>? attributes = null;
        EsriGeometry? geometry = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("attributes"u8) || IsName(ref reader, "attributes"))
            {
                reader.Read();
                attributes = ReadAttributes(ref reader, names);
            }
            else if (reader.ValueTextEquals("geometry"u8) || IsName(ref reader, "geometry"))
            {
                reader.Read();
                geometry = ReadGeometry(ref reader, context);
            }
            else
            {
                reader.Read();
                SkipValue(ref reader);
            }
        }
        return new EsriFeature((IReadOnlyDictionary<string, object?>?)attributes ?? EmptyAttributes, geometry);
    }

    private static readonly IReadOnlyDictionary<string, object?> EmptyAttributes = new Dictionary<string, object?>();

    /// <summary>Reads an attributes object at the current token into CLR values (long, double, string, bool, null).</summary>
    internal static Dictionary<string, object?> ReadAttributes(ref Utf8JsonReader reader, AttributeNameCache? names)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipValue(ref reader);
            return [];
        }
        var attributes = new Dictionary<string, object?>(names?.Count ?? 8);
        var index = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = names is null ? reader.GetString()! : names.Get(ref reader, index);
            index++;
            reader.Read();
            attributes[name] = ReadValue(ref reader);
        }
        return attributes;
    }

    /// <summary>Reads a scalar at the current token as long, double, string, bool or null; objects and arrays as their JSON text.</summary>
    internal static object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var l))
                {
                    return l is >= -1 and <= 1024 ? SmallIntegers[l + 1] : l;
                }
                return reader.GetDouble();
            case JsonTokenType.True:
                return True;
            case JsonTokenType.False:
                return False;
            case JsonTokenType.Null:
                return null;
            default:
                using (var document = JsonDocument.ParseValue(ref reader))
                {
                    return document.RootElement.GetRawText();
                }
        }
    }

    private static Key Classify(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            var span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
            switch (span.Length)
            {
                case 1:
                    switch (span[0])
                    {
                        case (byte)'x': return Key.X;
                        case (byte)'y': return Key.Y;
                        case (byte)'z': return Key.Z;
                        case (byte)'m': return Key.M;
                    }
                    break;
                case 4:
                    if (span.SequenceEqual("xmin"u8)) return Key.XMin;
                    if (span.SequenceEqual("ymin"u8)) return Key.YMin;
                    if (span.SequenceEqual("xmax"u8)) return Key.XMax;
                    if (span.SequenceEqual("ymax"u8)) return Key.YMax;
                    if (span.SequenceEqual("hasZ"u8)) return Key.HasZ;
                    if (span.SequenceEqual("hasM"u8)) return Key.HasM;
                    break;
                case 5:
                    if (span.SequenceEqual("paths"u8)) return Key.Paths;
                    if (span.SequenceEqual("rings"u8)) return Key.Rings;
                    break;
                case 6:
                    if (span.SequenceEqual("points"u8)) return Key.Points;
                    break;
            }
        }
        return reader.GetString()!.ToLowerInvariant() switch
        {
            "x" => Key.X,
            "y" => Key.Y,
            "z" => Key.Z,
            "m" => Key.M,
            "xmin" => Key.XMin,
            "ymin" => Key.YMin,
            "xmax" => Key.XMax,
            "ymax" => Key.YMax,
            "hasz" => Key.HasZ,
            "hasm" => Key.HasM,
            "points" => Key.Points,
            "paths" => Key.Paths,
            "rings" => Key.Rings,
            "curvepaths" => Key.CurvePaths,
            "curverings" => Key.CurveRings,
            "spatialreference" => Key.SpatialReference,
            _ => Key.Other,
        };
    }

    /// <summary>
    /// Skips the current value. Unlike <see cref="Utf8JsonReader.Skip"/> this also works on a reader over a partial
    /// buffer when the value is complete; when it is not, it throws <see cref="InvalidOperationException"/> so that a
    /// streaming caller can fetch more data and try again.
    /// </summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (!reader.TrySkip())
        {
            throw new InvalidOperationException("The value continues beyond the data read so far.");
        }
    }

    private static bool IsName(ref Utf8JsonReader reader, string name) => string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase);

    private static double ReadNumber(ref Utf8JsonReader reader) => ReadNullableNumber(ref reader) ?? double.NaN;

    private static double? ReadNullableNumber(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.String => double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN,
        JsonTokenType.Null => null,
        _ => SkipAndNaN(ref reader),
    };

    private static double? SkipAndNaN(ref Utf8JsonReader reader)
    {
        SkipValue(ref reader);
        return double.NaN;
    }

    private static int? ReadInt(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt32(out var i) => i,
        JsonTokenType.String when int.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => null,
    };

    private static bool? ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String => bool.TryParse(reader.GetString(), out var b) ? b : null,
        JsonTokenType.Number => reader.TryGetInt32(out var n) ? n != 0 : null,
        _ => null,
    };

    private static List<IReadOnlyList<double[]>> ReadParts(ref Utf8JsonReader reader, ref int maxDimension)
    {
        var parts = new List<IReadOnlyList<double[]>>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            SkipValue(ref reader);
            return parts;
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            parts.Add(ReadCoordinateList(ref reader, ref maxDimension));
        }
        return parts;
    }

    private static List<double[]> ReadCoordinateList(ref Utf8JsonReader reader, ref int maxDimension)
    {
        var list = new List<double[]>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            SkipValue(ref reader);
            return list;
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                list.Add(ReadCoordinate(ref reader, ref maxDimension));
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                // A true-curve segment {"c":[end, through]}, {"a":[end, centre, …]} or {"b":[end, cp1, cp2]}:
                // keep its end point.
                double[]? end = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        SkipValue(ref reader);
                        continue;
                    }
                    var first = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (first && end is null && reader.TokenType == JsonTokenType.StartArray)
                        {
                            end = ReadCoordinate(ref reader, ref maxDimension);
                        }
                        else
                        {
                            SkipValue(ref reader);
                        }
                        first = false;
                    }
                }
                if (end is not null)
                {
                    list.Add(end);
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }
        return list;
    }

    private static double[] ReadCoordinate(ref Utf8JsonReader reader, ref int maxDimension)
    {
        Span<double> values = stackalloc double[4];
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var value = ReadNumber(ref reader);
            if (count < 4)
            {
                values[count] = value;
            }
            count++;
        }
        count = Math.Min(count, 4);
        if (count > maxDimension)
        {
            maxDimension = count;
        }
        if (count < 2)
        {
            return [count == 1 ? values[0] : double.NaN, double.NaN];
        }
        return values[..count].ToArray();
    }

    private static (bool HasZ, bool HasM) Dimensions(bool? hasZ, bool? hasM, int maxDimension) => (hasZ, hasM) switch
    {
        ({ } z, { } m) => (z, m),
        ({ } z, null) => (z, maxDimension >= (z ? 4 : 3)),
        (null, { } m) => (maxDimension >= (m ? 4 : 3), m),
        _ => (maxDimension >= 3, maxDimension >= 4),
    };

    private static void Normalize(List<IReadOnlyList<double[]>> parts, bool hasZ, bool hasM)
    {
        foreach (var part in parts)
        {
            NormalizeList((List<double[]>)part, hasZ, hasM);
        }
    }

    private static void NormalizeList(List<double[]> coordinates, bool hasZ, bool hasM)
    {
        var width = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);
        for (var i = 0; i < coordinates.Count; i++)
        {
            var c = coordinates[i];
            if (c.Length != width)
            {
                var fixedUp = new double[width];
                fixedUp[0] = c[0];
                fixedUp[1] = c[1];
                for (var k = 2; k < width; k++)
                {
                    fixedUp[k] = k < c.Length ? c[k] : double.NaN;
                }
                coordinates[i] = fixedUp;
            }
        }
    }

    // ---------------------------------------------------------------- writing

    /// <summary>The geometry as Esri JSON text.</summary>
    public static string ToJson(EsriGeometry geometry, bool includeSpatialReference = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteGeometry(writer, geometry, includeSpatialReference);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string ToJson(SpatialReference spatialReference)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSpatialReference(writer, spatialReference);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteGeometry(Utf8JsonWriter writer, EsriGeometry geometry, bool includeSpatialReference = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(geometry);
        writer.WriteStartObject();
        switch (geometry)
        {
            case EsriPoint p:
                WriteCoordinateValue(writer, "x", p.X);
                WriteCoordinateValue(writer, "y", p.Y);
                if (p.HasZ || p.Z is not null)
                {
                    WriteCoordinateValue(writer, "z", p.Z ?? double.NaN);
                }
                if (p.HasM || p.M is not null)
                {
                    WriteCoordinateValue(writer, "m", p.M ?? double.NaN);
                }
                break;
            case EsriMultipoint mp:
                WriteFlags(writer, mp);
                writer.WritePropertyName("points");
                WriteCoordinates(writer, mp.Points);
                break;
            case EsriPolyline line:
                WriteFlags(writer, line);
                writer.WritePropertyName("paths");
                WriteParts(writer, line.Paths);
                break;
            case EsriPolygon polygon:
                WriteFlags(writer, polygon);
                writer.WritePropertyName("rings");
                WriteParts(writer, polygon.Rings);
                break;
            case EsriEnvelope envelope:
                WriteCoordinateValue(writer, "xmin", envelope.XMin);
                WriteCoordinateValue(writer, "ymin", envelope.YMin);
                WriteCoordinateValue(writer, "xmax", envelope.XMax);
                WriteCoordinateValue(writer, "ymax", envelope.YMax);
                break;
            default:
                throw new ArgumentException($"Unknown geometry type {geometry.GetType().Name}.", nameof(geometry));
        }
        if (includeSpatialReference && geometry.SpatialReference is { } sr)
        {
            writer.WritePropertyName("spatialReference");
            WriteSpatialReference(writer, sr);
        }
        writer.WriteEndObject();
    }

    public static void WriteSpatialReference(Utf8JsonWriter writer, SpatialReference spatialReference)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(spatialReference);
        writer.WriteStartObject();
        if (spatialReference.Wkid is { } wkid)
        {
            writer.WriteNumber("wkid", wkid);
        }
        if (spatialReference.LatestWkid is { } latest)
        {
            writer.WriteNumber("latestWkid", latest);
        }
        if (spatialReference.Wkt is { } wkt)
        {
            writer.WriteString("wkt", wkt);
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes a feature as <c>{"attributes":{…},"geometry":{…}}</c> (geometry without spatial reference).</summary>
    public static void WriteFeature(Utf8JsonWriter writer, EsriFeature feature)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(feature);
        writer.WriteStartObject();
        writer.WriteStartObject("attributes");
        foreach (var (name, value) in feature.Attributes)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }
        writer.WriteEndObject();
        if (feature.Geometry is { } geometry)
        {
            writer.WritePropertyName("geometry");
            WriteGeometry(writer, geometry, includeSpatialReference: false);
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes an attribute value as ArcGIS expects it (dates as epoch milliseconds, GUIDs in braces).</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case short sh:
                writer.WriteNumberValue(sh);
                break;
            case byte by:
                writer.WriteNumberValue(by);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case decimal dec:
                writer.WriteNumberValue(dec);
                break;
            case double or float:
                writer.WriteNullValue();
                break;
            case DateTimeOffset dto:
                writer.WriteNumberValue(dto.ToUnixTimeMilliseconds());
                break;
            case DateTime dt:
                writer.WriteNumberValue(new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind)).ToUnixTimeMilliseconds());
                break;
            case Guid g:
                writer.WriteStringValue(g.ToString("B").ToUpperInvariant());
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case IFormattable formattable:
                writer.WriteStringValue(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteFlags(Utf8JsonWriter writer, EsriGeometry geometry)
    {
        if (geometry.HasZ)
        {
            writer.WriteBoolean("hasZ", true);
        }
        if (geometry.HasM)
        {
            writer.WriteBoolean("hasM", true);
        }
    }

    private static void WriteParts(Utf8JsonWriter writer, IReadOnlyList<IReadOnlyList<double[]>> parts)
    {
        writer.WriteStartArray();
        foreach (var part in parts)
        {
            WriteCoordinates(writer, part);
        }
        writer.WriteEndArray();
    }

    private static void WriteCoordinates(Utf8JsonWriter writer, IReadOnlyList<double[]> coordinates)
    {
        writer.WriteStartArray();
        foreach (var c in coordinates)
        {
            writer.WriteStartArray();
            foreach (var v in c)
            {
                if (double.IsFinite(v))
                {
                    writer.WriteNumberValue(v);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static void WriteCoordinateValue(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
