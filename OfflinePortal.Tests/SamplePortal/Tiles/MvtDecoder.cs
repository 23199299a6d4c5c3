using System.Text;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>
/// A minimal, independent Mapbox Vector Tile 2.1 reader for the tests: layers, features, attributes and the
/// geometry commands decoded back into tile-coordinate parts.
/// </summary>
internal static class MvtDecoder
{
    public sealed record Layer(string Name, uint Version, uint Extent, IReadOnlyList<Feature> Features);

    public sealed record Feature(ulong Id, int Type, IReadOnlyDictionary<string, object> Attributes, IReadOnlyList<IReadOnlyList<(int X, int Y)>> Parts, IReadOnlyList<uint> RawGeometry);

    public static IReadOnlyList<Layer> Decode(byte[] tile)
    {
        var layers = new List<Layer>();
        var reader = new Reader(tile);
        while (!reader.End)
        {
            var (field, wire) = reader.Tag();
            if (field == 3 && wire == 2)
            {
                layers.Add(DecodeLayer(reader.Bytes()));
            }
            else
            {
                reader.Skip(wire);
            }
        }
        return layers;
    }

    private static Layer DecodeLayer(byte[] bytes)
    {
        var reader = new Reader(bytes);
        string name = "";
        uint version = 1, extent = 4096;
        var keys = new List<string>();
        var values = new List<object>();
        var rawFeatures = new List<byte[]>();
        while (!reader.End)
        {
            var (field, wire) = reader.Tag();
            switch (field)
            {
                case 1: name = Encoding.UTF8.GetString(reader.Bytes()); break;
                case 2: rawFeatures.Add(reader.Bytes()); break;
                case 3: keys.Add(Encoding.UTF8.GetString(reader.Bytes())); break;
                case 4: values.Add(DecodeValue(reader.Bytes())); break;
                case 5: extent = (uint)reader.Varint(); break;
                case 15: version = (uint)reader.Varint(); break;
                default: reader.Skip(wire); break;
            }
        }
        var features = rawFeatures.Select(f => DecodeFeature(f, keys, values)).ToList();
        return new Layer(name, version, extent, features);
    }

    private static object DecodeValue(byte[] bytes)
    {
        var reader = new Reader(bytes);
        var (field, _) = reader.Tag();
        return field switch
        {
            1 => Encoding.UTF8.GetString(reader.Bytes()),
            2 => BitConverter.ToSingle(reader.Fixed(4)),
            3 => BitConverter.ToDouble(reader.Fixed(8)),
            4 => (long)reader.Varint(),
            5 => (long)reader.Varint(),
            6 => ZigZag(reader.Varint()),
            7 => reader.Varint() != 0,
            _ => throw new InvalidDataException($"value field {field}"),
        };
    }

    private static Feature DecodeFeature(byte[] bytes, List<string> keys, List<object> values)
    {
        var reader = new Reader(bytes);
        ulong id = 0;
        var type = 0;
        var tags = new List<uint>();
        var geometry = new List<uint>();
        while (!reader.End)
        {
            var (field, wire) = reader.Tag();
            switch (field)
            {
                case 1: id = reader.Varint(); break;
                case 2: tags.AddRange(reader.Packed()); break;
                case 3: type = (int)reader.Varint(); break;
                case 4: geometry.AddRange(reader.Packed()); break;
                default: reader.Skip(wire); break;
            }
        }
        Assert.True(tags.Count % 2 == 0, "tags come in key/value pairs");
        var attributes = new Dictionary<string, object>();
        for (var i = 0; i < tags.Count; i += 2)
        {
            attributes[keys[(int)tags[i]]] = values[(int)tags[i + 1]];
        }
        return new Feature(id, type, attributes, DecodeGeometry(geometry), geometry);
    }

    private static List<IReadOnlyList<(int X, int Y)>> DecodeGeometry(List<uint> commands)
    {
        var parts = new List<IReadOnlyList<(int X, int Y)>>();
        List<(int X, int Y)>? current = null;
        int x = 0, y = 0, i = 0;
        while (i < commands.Count)
        {
            var id = commands[i] & 0x7;
            var count = (int)(commands[i] >> 3);
            i++;
            switch (id)
            {
                case 1:
                case 2:
                    for (var n = 0; n < count; n++)
                    {
                        x += (int)ZigZag(commands[i++]);
                        y += (int)ZigZag(commands[i++]);
                        if (id == 1)
                        {
                            current = [];
                            parts.Add(current);
                        }
                        current!.Add((x, y));
                    }
                    break;
                case 7:
                    Assert.Equal(1, count);
                    break;
                default:
                    throw new InvalidDataException($"command {id}");
            }
        }
        return parts;
    }

    private static long ZigZag(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);

    /// <summary>Surveyor's formula in tile coordinates (y down).</summary>
    public static long TwiceSignedArea(IReadOnlyList<(int X, int Y)> ring)
    {
        long sum = 0;
        for (var i = 0; i < ring.Count; i++)
        {
            var a = ring[i];
            var b = ring[(i + 1) % ring.Count];
            sum += ((long)a.X * b.Y) - ((long)b.X * a.Y);
        }
        return sum;
    }

    private sealed class Reader(byte[] data)
    {
        private int _position;

        public bool End => _position >= data.Length;

        public (int Field, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong result = 0;
            var shift = 0;
            while (true)
            {
                var b = data[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return result;
                }
                shift += 7;
            }
        }

        public byte[] Bytes()
        {
            var length = (int)Varint();
            var bytes = data.AsSpan(_position, length).ToArray();
            _position += length;
            return bytes;
        }

        public byte[] Fixed(int length)
        {
            var bytes = data.AsSpan(_position, length).ToArray();
            _position += length;
            return bytes;
        }

        public IEnumerable<uint> Packed()
        {
            var inner = new Reader(Bytes());
            var list = new List<uint>();
            while (!inner.End)
            {
                list.Add((uint)inner.Varint());
            }
            return list;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }
}
