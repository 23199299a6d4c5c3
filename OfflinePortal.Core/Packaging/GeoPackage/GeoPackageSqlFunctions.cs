using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// The SQL functions the GeoPackage R-tree triggers call (<c>ST_MinX</c>, <c>ST_MaxX</c>, <c>ST_MinY</c>, <c>ST_MaxY</c>,
/// <c>ST_IsEmpty</c>). GDAL and QGIS register them themselves; any other program that edits a packaged GeoPackage
/// over plain SQLite (the sync task, tests) must call <see cref="Register"/> on its connection first, or every
/// insert, update or delete on a spatially indexed table fails with "no such function".
/// </summary>
public static class GeoPackageSqlFunctions
{
    public static void Register(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.CreateFunction<byte[]?, double?>("ST_MinX", b => Envelope(b)?.MinX, isDeterministic: true);
        connection.CreateFunction<byte[]?, double?>("ST_MaxX", b => Envelope(b)?.MaxX, isDeterministic: true);
        connection.CreateFunction<byte[]?, double?>("ST_MinY", b => Envelope(b)?.MinY, isDeterministic: true);
        connection.CreateFunction<byte[]?, double?>("ST_MaxY", b => Envelope(b)?.MaxY, isDeterministic: true);
        connection.CreateFunction<byte[]?, long?>("ST_IsEmpty", b => b is null ? null : IsEmpty(b) ? 1 : 0, isDeterministic: true);
    }

    /// <summary>The XY envelope of a GeoPackage geometry blob: from its header when present, else from its WKB.</summary>
    public static (double MinX, double MinY, double MaxX, double MaxY)? Envelope(ReadOnlySpan<byte> blob)
    {
        if (!TryReadHeader(blob, out var littleEndian, out var envelopeCode, out var empty, out var wkbOffset) || empty)
        {
            return null;
        }
        if (envelopeCode > 0)
        {
            var e = blob[8..];
            var minX = ReadDouble(e, littleEndian);
            var maxX = ReadDouble(e[8..], littleEndian);
            var minY = ReadDouble(e[16..], littleEndian);
            var maxY = ReadDouble(e[24..], littleEndian);
            return (minX, minY, maxX, maxY);
        }
        var scan = new WkbEnvelope();
        var wkb = blob[wkbOffset..];
        scan.Read(ref wkb);
        return scan.Found ? (scan.MinX, scan.MinY, scan.MaxX, scan.MaxY) : null;
    }

    public static bool IsEmpty(ReadOnlySpan<byte> blob) =>
        !TryReadHeader(blob, out _, out _, out var empty, out _) || empty || Envelope(blob) is null;

    private static (double MinX, double MinY, double MaxX, double MaxY)? Envelope(byte[]? blob) =>
        blob is null ? null : Envelope(blob.AsSpan());

    private static bool TryReadHeader(ReadOnlySpan<byte> blob, out bool littleEndian, out int envelopeCode, out bool empty, out int wkbOffset)
    {
        littleEndian = true;
        envelopeCode = 0;
        empty = false;
        wkbOffset = 0;
        if (blob.Length < 8 || blob[0] != (byte)'G' || blob[1] != (byte)'P')
        {
            return false;
        }
        var flags = blob[3];
        littleEndian = (flags & 1) == 1;
        envelopeCode = (flags >> 1) & 7;
        empty = ((flags >> 4) & 1) == 1;
        var envelopeDoubles = envelopeCode switch { 0 => 0, 1 => 4, 2 or 3 => 6, 4 => 8, _ => -1 };
        if (envelopeDoubles < 0)
        {
            return false;
        }
        wkbOffset = 8 + (envelopeDoubles * 8);
        return blob.Length >= wkbOffset;
    }

    private static double ReadDouble(ReadOnlySpan<byte> span, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadDoubleLittleEndian(span) : BinaryPrimitives.ReadDoubleBigEndian(span);

    /// <summary>Walks ISO/extended WKB and accumulates the XY bounds of every coordinate (NaN coordinates ignored).</summary>
    private ref struct WkbEnvelope
    {
        public double MinX, MinY, MaxX, MaxY;
        public bool Found;

        public void Read(ref ReadOnlySpan<byte> wkb)
        {
            if (wkb.Length < 5)
            {
                throw new FormatException("Truncated WKB.");
            }
            var little = wkb[0] == 1;
            var rawType = little ? BinaryPrimitives.ReadUInt32LittleEndian(wkb[1..]) : BinaryPrimitives.ReadUInt32BigEndian(wkb[1..]);
            wkb = wkb[5..];
            // EWKB-style high-bit flags and ISO thousands both encode Z/M.
            var hasZ = (rawType & 0x80000000) != 0;
            var hasM = (rawType & 0x40000000) != 0;
            var type = rawType & 0x0FFFFFFF;
            var thousands = type / 1000;
            type %= 1000;
            hasZ |= thousands is 1 or 3;
            hasM |= thousands is 2 or 3;
            var dims = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);
            switch (type)
            {
                case 1:
                    Points(ref wkb, 1, dims, little);
                    break;
                case 2:
                    Points(ref wkb, Count(ref wkb, little), dims, little);
                    break;
                case 3:
                    for (var rings = Count(ref wkb, little); rings > 0; rings--)
                    {
                        Points(ref wkb, Count(ref wkb, little), dims, little);
                    }
                    break;
                case 4 or 5 or 6 or 7:
                    for (var parts = Count(ref wkb, little); parts > 0; parts--)
                    {
                        Read(ref wkb);
                    }
                    break;
                default:
                    throw new FormatException($"Unsupported WKB geometry type {rawType}.");
            }
        }

        private static uint Count(ref ReadOnlySpan<byte> wkb, bool little)
        {
            var n = little ? BinaryPrimitives.ReadUInt32LittleEndian(wkb) : BinaryPrimitives.ReadUInt32BigEndian(wkb);
            wkb = wkb[4..];
            return n;
        }

        private void Points(ref ReadOnlySpan<byte> wkb, uint count, int dims, bool little)
        {
            for (var i = 0u; i < count; i++)
            {
                var x = ReadDouble(wkb, little);
                var y = ReadDouble(wkb[8..], little);
                wkb = wkb[(8 * dims)..];
                if (double.IsNaN(x) || double.IsNaN(y))
                {
                    continue;
                }
                if (!Found)
                {
                    MinX = MaxX = x;
                    MinY = MaxY = y;
                    Found = true;
                    continue;
                }
                MinX = Math.Min(MinX, x);
                MaxX = Math.Max(MaxX, x);
                MinY = Math.Min(MinY, y);
                MaxY = Math.Max(MaxY, y);
            }
        }
    }
}
