using System.Globalization;
using NetTopologySuite.Geometries;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// Builds one Mapbox Vector Tile (specification 2.1): per layer a key and value table, features with zig-zag
/// encoded geometry commands in tile coordinates (extent 4096, y down), geometry clipped to the tile plus a buffer,
/// polygon rings wound as the specification requires (exterior clockwise on screen, holes counter-clockwise).
/// </summary>
internal sealed class MvtTileBuilder(Envelope tileExtent, int extent = MvtTileBuilder.DefaultExtent, int buffer = MvtTileBuilder.DefaultBuffer)
{
    public const int DefaultExtent = 4096;
    public const int DefaultBuffer = 64;

    private const uint MoveTo = 1;
    private const uint LineTo = 2;
    private const uint ClosePath = 7;

    private readonly List<Layer> _layers = [];
    private readonly double _scaleX = extent / tileExtent.Width;
    private readonly double _scaleY = extent / tileExtent.Height;

    /// <summary>Starts a layer; features are added to the last layer started. Layers left empty are not written.</summary>
    public void StartLayer(string name) => _layers.Add(new Layer(name));

    /// <summary>Adds a feature (geometry in Web Mercator). False when nothing of it falls inside the buffered tile.</summary>
    public bool AddFeature(ulong id, Geometry geometry, IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException("StartLayer must be called before AddFeature.");
        }
        var commands = new List<uint>();
        var cursor = new Cursor();
        var type = Encode(geometry, commands, ref cursor);
        if (type == 0 || commands.Count == 0)
        {
            return false;
        }
        var layer = _layers[^1];
        var tags = new List<uint>();
        foreach (var (key, raw) in attributes)
        {
            var value = NormalizeValue(raw);
            if (value is null)
            {
                continue;
            }
            tags.Add(layer.KeyIndex(key));
            tags.Add(layer.ValueIndex(value));
        }
        var feature = new ProtobufWriter();
        feature.WriteVarintField(1, id);
        feature.WritePackedField(2, tags);
        feature.WriteVarintField(3, type);
        feature.WritePackedField(4, commands);
        layer.Features.WriteBytesField(2, feature.WrittenSpan);
        layer.FeatureCount++;
        return true;
    }

    /// <summary>The encoded tile; zero bytes (a valid empty tile) when no layer has a feature.</summary>
    public byte[] ToArray()
    {
        var tile = new ProtobufWriter();
        foreach (var layer in _layers.Where(l => l.FeatureCount > 0))
        {
            var message = new ProtobufWriter();
            message.WriteVarintField(15, 2);
            message.WriteStringField(1, layer.Name);
            message.WriteBytesRaw(layer.Features);
            foreach (var key in layer.Keys)
            {
                message.WriteStringField(3, key);
            }
            foreach (var value in layer.Values)
            {
                var encoded = new ProtobufWriter();
                switch (value)
                {
                    case string s:
                        encoded.WriteStringField(1, s);
                        break;
                    case double d:
                        encoded.WriteDoubleField(3, d);
                        break;
                    case long l when l < 0:
                        encoded.WriteVarintField(6, ProtobufWriter.ZigZag(l));
                        break;
                    case long l:
                        encoded.WriteVarintField(5, (ulong)l);
                        break;
                    case bool b:
                        encoded.WriteVarintField(7, b ? 1UL : 0UL);
                        break;
                }
                message.WriteBytesField(4, encoded.WrittenSpan);
            }
            message.WriteVarintField(5, (ulong)extent);
            tile.WriteBytesField(3, message.WrittenSpan);
        }
        return tile.WrittenSpan.ToArray();
    }

    private uint Encode(Geometry geometry, List<uint> commands, ref Cursor cursor)
    {
        switch (geometry)
        {
            case Point or MultiPoint:
                var points = new List<(int X, int Y)>();
                for (var i = 0; i < geometry.NumGeometries; i++)
                {
                    if (geometry.GetGeometryN(i) is Point { IsEmpty: false } point)
                    {
                        var (x, y) = ToTile(point.X, point.Y);
                        if (x >= -buffer && x <= extent + buffer && y >= -buffer && y <= extent + buffer)
                        {
                            points.Add(((int)Math.Round(x), (int)Math.Round(y)));
                        }
                    }
                }
                if (points.Count == 0)
                {
                    return 0;
                }
                commands.Add(Command(MoveTo, points.Count));
                foreach (var point in points)
                {
                    cursor.Append(commands, point);
                }
                return 1;
            case LineString or MultiLineString:
                for (var i = 0; i < geometry.NumGeometries; i++)
                {
                    if (geometry.GetGeometryN(i) is LineString line)
                    {
                        foreach (var part in ClipLine(line.CoordinateSequence))
                        {
                            AppendPath(commands, ref cursor, part, close: false);
                        }
                    }
                }
                return commands.Count > 0 ? 2u : 0u;
            case Polygon or MultiPolygon:
                for (var i = 0; i < geometry.NumGeometries; i++)
                {
                    if (geometry.GetGeometryN(i) is not Polygon polygon)
                    {
                        continue;
                    }
                    var shell = ClipRing(polygon.ExteriorRing.CoordinateSequence, exterior: true);
                    if (shell is null)
                    {
                        continue;
                    }
                    AppendPath(commands, ref cursor, shell, close: true);
                    foreach (var hole in polygon.InteriorRings)
                    {
                        var ring = ClipRing(hole.CoordinateSequence, exterior: false);
                        if (ring is not null)
                        {
                            AppendPath(commands, ref cursor, ring, close: true);
                        }
                    }
                }
                return commands.Count > 0 ? 3u : 0u;
            default:
                return 0;
        }
    }

    private static void AppendPath(List<uint> commands, ref Cursor cursor, List<(int X, int Y)> path, bool close)
    {
        commands.Add(Command(MoveTo, 1));
        cursor.Append(commands, path[0]);
        commands.Add(Command(LineTo, path.Count - 1));
        for (var i = 1; i < path.Count; i++)
        {
            cursor.Append(commands, path[i]);
        }
        if (close)
        {
            commands.Add(Command(ClosePath, 1));
        }
    }

    private (double X, double Y) ToTile(double x, double y) =>
        ((x - tileExtent.MinX) * _scaleX, (tileExtent.MaxY - y) * _scaleY);

    /// <summary>Liang-Barsky clipping of each segment to the buffered tile; consecutive kept pieces join into one part.</summary>
    private IEnumerable<List<(int X, int Y)>> ClipLine(CoordinateSequence sequence)
    {
        double lo = -buffer, hi = extent + buffer;
        List<(int X, int Y)>? part = null;
        for (var i = 1; i < sequence.Count; i++)
        {
            var (x0, y0) = ToTile(sequence.GetX(i - 1), sequence.GetY(i - 1));
            var (x1, y1) = ToTile(sequence.GetX(i), sequence.GetY(i));
            double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
            var visible = Clip(-dx, x0 - lo, ref t0, ref t1) && Clip(dx, hi - x0, ref t0, ref t1)
                && Clip(-dy, y0 - lo, ref t0, ref t1) && Clip(dy, hi - y0, ref t0, ref t1);
            if (!visible)
            {
                if (Finish(part) is { } done)
                {
                    yield return done;
                }
                part = null;
                continue;
            }
            var start = Quantize(x0 + (t0 * dx), y0 + (t0 * dy));
            var end = Quantize(x0 + (t1 * dx), y0 + (t1 * dy));
            if (part is null || t0 > 0)
            {
                if (Finish(part) is { } done)
                {
                    yield return done;
                }
                part = [start];
            }
            AddDistinct(part, end);
            if (t1 < 1)
            {
                if (Finish(part) is { } done)
                {
                    yield return done;
                }
                part = null;
            }
        }
        if (Finish(part) is { } last)
        {
            yield return last;
        }

        static List<(int X, int Y)>? Finish(List<(int X, int Y)>? part) => part is { Count: >= 2 } ? part : null;
    }

    private static bool Clip(double p, double q, ref double t0, ref double t1)
    {
        if (p == 0)
        {
            return q >= 0;
        }
        var r = q / p;
        if (p < 0)
        {
            if (r > t1)
            {
                return false;
            }
            t0 = Math.Max(t0, r);
        }
        else
        {
            if (r < t0)
            {
                return false;
            }
            t1 = Math.Min(t1, r);
        }
        return true;
    }

    /// <summary>Sutherland-Hodgman against the buffered tile, then quantised and wound; null when nothing is left.</summary>
    private List<(int X, int Y)>? ClipRing(CoordinateSequence sequence, bool exterior)
    {
        var ring = new List<(double X, double Y)>(sequence.Count);
        for (var i = 0; i < sequence.Count; i++)
        {
            ring.Add(ToTile(sequence.GetX(i), sequence.GetY(i)));
        }
        if (ring.Count > 1 && ring[0] == ring[^1])
        {
            ring.RemoveAt(ring.Count - 1);
        }
        double lo = -buffer, hi = extent + buffer;
        ring = ClipEdge(ring, p => p.X >= lo, (a, b) => Intersect(a, b, lo, vertical: true));
        ring = ClipEdge(ring, p => p.X <= hi, (a, b) => Intersect(a, b, hi, vertical: true));
        ring = ClipEdge(ring, p => p.Y >= lo, (a, b) => Intersect(a, b, lo, vertical: false));
        ring = ClipEdge(ring, p => p.Y <= hi, (a, b) => Intersect(a, b, hi, vertical: false));
        var quantized = new List<(int X, int Y)>(ring.Count);
        foreach (var point in ring)
        {
            AddDistinct(quantized, Quantize(point.X, point.Y));
        }
        while (quantized.Count > 1 && quantized[0] == quantized[^1])
        {
            quantized.RemoveAt(quantized.Count - 1);
        }
        if (quantized.Count < 3)
        {
            return null;
        }
        var area = SignedArea(quantized);
        if (area == 0)
        {
            return null;
        }
        if ((area > 0) != exterior)
        {
            quantized.Reverse();
        }
        return quantized;
    }

    private static List<(double X, double Y)> ClipEdge(
        List<(double X, double Y)> ring,
        Func<(double X, double Y), bool> inside,
        Func<(double X, double Y), (double X, double Y), (double X, double Y)> intersect)
    {
        var result = new List<(double X, double Y)>(ring.Count + 4);
        for (var i = 0; i < ring.Count; i++)
        {
            var current = ring[i];
            var previous = ring[(i + ring.Count - 1) % ring.Count];
            var currentIn = inside(current);
            if (currentIn != inside(previous))
            {
                result.Add(intersect(previous, current));
            }
            if (currentIn)
            {
                result.Add(current);
            }
        }
        return result;
    }

    private static (double X, double Y) Intersect((double X, double Y) a, (double X, double Y) b, double edge, bool vertical)
    {
        if (vertical)
        {
            var t = (edge - a.X) / (b.X - a.X);
            return (edge, a.Y + (t * (b.Y - a.Y)));
        }
        var s = (edge - a.Y) / (b.Y - a.Y);
        return (a.X + (s * (b.X - a.X)), edge);
    }

    /// <summary>Surveyor's formula in tile coordinates (y down): positive for a ring that turns clockwise on screen.</summary>
    private static long SignedArea(List<(int X, int Y)> ring)
    {
        long twice = 0;
        for (var i = 0; i < ring.Count; i++)
        {
            var a = ring[i];
            var b = ring[(i + 1) % ring.Count];
            twice += ((long)a.X * b.Y) - ((long)b.X * a.Y);
        }
        return twice;
    }

    private static (int X, int Y) Quantize(double x, double y) => ((int)Math.Round(x), (int)Math.Round(y));

    private static void AddDistinct(List<(int X, int Y)> points, (int X, int Y) point)
    {
        if (points.Count == 0 || points[^1] != point)
        {
            points.Add(point);
        }
    }

    private static uint Command(uint id, int count) => (id & 0x7) | ((uint)count << 3);

    /// <summary>Attribute values reduced to the MVT value kinds; null drops the attribute.</summary>
    private static object? NormalizeValue(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        bool b => b,
        byte or sbyte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : (double)u,
        float or double or decimal => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt).ToUnixTimeMilliseconds(),
        DateTimeOffset dto => dto.ToUnixTimeMilliseconds(),
        Guid g => g.ToString("B").ToUpperInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private struct Cursor
    {
        private int _x;
        private int _y;

        public void Append(List<uint> commands, (int X, int Y) point)
        {
            commands.Add(ProtobufWriter.ZigZag(point.X - _x));
            commands.Add(ProtobufWriter.ZigZag(point.Y - _y));
            _x = point.X;
            _y = point.Y;
        }
    }

    private sealed class Layer(string name)
    {
        private readonly Dictionary<string, uint> _keyIndex = new(StringComparer.Ordinal);
        private readonly Dictionary<object, uint> _valueIndex = [];

        public string Name { get; } = name;

        public ProtobufWriter Features { get; } = new();

        public int FeatureCount { get; set; }

        public List<string> Keys { get; } = [];

        public List<object> Values { get; } = [];

        public uint KeyIndex(string key)
        {
            if (!_keyIndex.TryGetValue(key, out var index))
            {
                index = (uint)Keys.Count;
                Keys.Add(key);
                _keyIndex[key] = index;
            }
            return index;
        }

        public uint ValueIndex(object value)
        {
            if (!_valueIndex.TryGetValue(value, out var index))
            {
                index = (uint)Values.Count;
                Values.Add(value);
                _valueIndex[value] = index;
            }
            return index;
        }
    }
}
