using System.Buffers;
using System.Text;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>The few protocol buffer encodings a Mapbox Vector Tile needs: varints, strings, packed and nested messages.</summary>
internal sealed class ProtobufWriter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Clear() => _buffer.Clear();

    public void WriteVarintField(int field, ulong value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(value);
    }

    public void WriteDoubleField(int field, double value)
    {
        WriteTag(field, WireFixed64);
        var span = _buffer.GetSpan(8);
        BitConverter.TryWriteBytes(span, value);
        if (!BitConverter.IsLittleEndian)
        {
            span[..8].Reverse();
        }
        _buffer.Advance(8);
    }

    public void WriteStringField(int field, string value)
    {
        WriteTag(field, WireLengthDelimited);
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)byteCount);
        var span = _buffer.GetSpan(byteCount);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(byteCount);
    }

    public void WriteBytesField(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void WritePackedField(int field, IReadOnlyList<uint> values)
    {
        if (values.Count == 0)
        {
            return;
        }
        var length = 0;
        foreach (var value in values)
        {
            length += VarintSize(value);
        }
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)length);
        foreach (var value in values)
        {
            WriteVarint(value);
        }
    }

    /// <summary>Appends bytes already encoded as fields (for example the features of a layer).</summary>
    public void WriteBytesRaw(ProtobufWriter encoded) => _buffer.Write(encoded.WrittenSpan);

    public void WriteVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _buffer.Advance(i);
    }

    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }
}
