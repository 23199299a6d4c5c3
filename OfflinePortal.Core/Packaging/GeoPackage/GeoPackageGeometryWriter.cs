using System.Buffers.Binary;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Encodes ArcGIS geometries as GeoPackage binary (GPKG header + ISO WKB, little endian) for one column type and
/// dimension. One instance per feature table; it reuses its buffer, so the only allocation per geometry is the
/// returned array. Not thread-safe.
/// </summary>
/// <remarks>
/// Null and empty geometries are written as SQL NULL rather than as an empty-flagged blob: GDAL 3.6's
/// <c>validate_gpkg</c> reads the empty flag from the wrong bit and rejects every empty blob, and NULL is valid in
/// every reader. Points carry no envelope (as GDAL writes them); other geometries carry an XY envelope (code 1).
/// </remarks>
public sealed class GeoPackageGeometryWriter(GeoPackageGeometryType columnType, int srsId, bool hasZ, bool hasM)
{
    private const int HeaderLength = 8;
    private const int EnvelopeLength = 32;

    private byte[] _buffer = new byte[256];
    private int _position;
    private double _minX, _minY, _maxX, _maxY;

    public GeoPackageGeometryType ColumnType { get; } = columnType;

    public int SrsId { get; } = srsId;

    public bool HasZ { get; } = hasZ;

    public bool HasM { get; } = hasM;

    // The envelope of the geometry last encoded (valid after Encode returned non-null).
    public double MinX => _minX;

    public double MinY => _minY;

    public double MaxX => _maxX;

    public double MaxY => _maxY;

    private int Dimension => 2 + (HasZ ? 1 : 0) + (HasM ? 1 : 0);

    private uint TypeOffset => HasZ && HasM ? 3000u : HasZ ? 1000u : HasM ? 2000u : 0u;

    /// <summary>
    /// Encodes <paramref name="geometry"/>, or returns null for a null or empty geometry.
    /// </summary>
    /// <exception cref="GeoPackageGeometryException">The geometry cannot be stored in this column's type.</exception>
    public byte[]? Encode(EsriGeometry? geometry)
    {
        if (geometry is null || geometry.IsEmpty)
        {
            return null;
        }
        _minX = _minY = double.PositiveInfinity;
        _maxX = _maxY = double.NegativeInfinity;
        var withEnvelope = ColumnType != GeoPackageGeometryType.Point;
        _position = HeaderLength + (withEnvelope ? EnvelopeLength : 0);

        switch (ColumnType, geometry)
        {
            case (GeoPackageGeometryType.Point, EsriPoint p):
                WritePoint(p);
                break;
            case (GeoPackageGeometryType.MultiPoint, EsriMultipoint mp):
                WriteMultiPoint(mp.Points, mp);
                break;
            case (GeoPackageGeometryType.MultiPoint, EsriPoint p):
                WriteHeader(GeoPackageGeometryType.MultiPoint, 1);
                WritePoint(p);
                break;
            case (GeoPackageGeometryType.MultiLineString, EsriPolyline line):
                WriteMultiLineString(line);
                break;
            case (GeoPackageGeometryType.LineString, EsriPolyline { Paths.Count: 1 } line):
                WriteLineString(line.Paths[0], line);
                break;
            case (GeoPackageGeometryType.MultiPolygon, EsriPolygon polygon):
                WriteMultiPolygon(PolygonRings.Assemble(polygon.Rings), polygon);
                break;
            case (GeoPackageGeometryType.MultiPolygon, EsriEnvelope envelope):
                WriteHeader(GeoPackageGeometryType.MultiPolygon, 1);
                WriteEnvelopePolygon(envelope);
                break;
            case (GeoPackageGeometryType.Polygon, EsriEnvelope envelope):
                WriteEnvelopePolygon(envelope);
                break;
            case (GeoPackageGeometryType.Polygon, EsriPolygon polygon):
                var parts = PolygonRings.Assemble(polygon.Rings);
                if (parts.Count != 1)
                {
                    throw new GeoPackageGeometryException($"A polygon with {parts.Count} parts cannot be stored in a POLYGON column.");
                }
                WritePolygon(parts[0], polygon);
                break;
            default:
                throw new GeoPackageGeometryException(
                    $"A {geometry.Type} geometry cannot be stored in a {ColumnType.ToSqlName()} column.");
        }

        if (double.IsPositiveInfinity(_minX))
        {
            return null;
        }
        WriteGpkgHeader(withEnvelope);
        return _buffer.AsSpan(0, _position).ToArray();
    }

    private void WriteGpkgHeader(bool withEnvelope)
    {
        var span = _buffer.AsSpan();
        span[0] = (byte)'G';
        span[1] = (byte)'P';
        span[2] = 0; // version 1
        // bit 0: little endian; bits 1-3: envelope code (1 = xy); bit 4: empty (never set, see remarks); bit 5: standard.
        span[3] = (byte)(1 | ((withEnvelope ? 1 : 0) << 1));
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], SrsId);
        if (withEnvelope)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], _minX);
            BinaryPrimitives.WriteDoubleLittleEndian(span[16..], _maxX);
            BinaryPrimitives.WriteDoubleLittleEndian(span[24..], _minY);
            BinaryPrimitives.WriteDoubleLittleEndian(span[32..], _maxY);
        }
    }

    private void WritePoint(EsriPoint p)
    {
        WriteHeader(GeoPackageGeometryType.Point, count: null);
        var m = p.M ?? double.NaN;
        WriteCoordinate(p.X, p.Y, p.Z ?? 0, m);
    }

    private void WriteMultiPoint(IReadOnlyList<double[]> points, EsriGeometry source)
    {
        WriteHeader(GeoPackageGeometryType.MultiPoint, points.Count);
        foreach (var c in points)
        {
            WriteHeader(GeoPackageGeometryType.Point, count: null);
            WriteCoordinate(c, source);
        }
    }

    private void WriteMultiLineString(EsriPolyline line)
    {
        var paths = line.Paths.Where(p => p.Count > 0).ToList();
        WriteHeader(GeoPackageGeometryType.MultiLineString, paths.Count);
        foreach (var path in paths)
        {
            WriteLineString(path, line);
        }
    }

    private void WriteLineString(IReadOnlyList<double[]> path, EsriGeometry source)
    {
        WriteHeader(GeoPackageGeometryType.LineString, path.Count);
        foreach (var c in path)
        {
            WriteCoordinate(c, source);
        }
    }

    private void WriteMultiPolygon(IReadOnlyList<PolygonRings.Part> parts, EsriGeometry source)
    {
        WriteHeader(GeoPackageGeometryType.MultiPolygon, parts.Count);
        foreach (var part in parts)
        {
            WritePolygon(part, source);
        }
    }

    private void WritePolygon(PolygonRings.Part part, EsriGeometry source)
    {
        WriteHeader(GeoPackageGeometryType.Polygon, 1 + part.Holes.Count);
        WriteRing(part.Exterior, source);
        foreach (var hole in part.Holes)
        {
            WriteRing(hole, source);
        }
    }

    private void WriteRing(IReadOnlyList<double[]> ring, EsriGeometry source)
    {
        var closed = PolygonRings.IsClosed(ring);
        WriteUInt32((uint)(ring.Count + (closed ? 0 : 1)));
        foreach (var c in ring)
        {
            WriteCoordinate(c, source);
        }
        if (!closed)
        {
            WriteCoordinate(ring[0], source);
        }
    }

    private void WriteEnvelopePolygon(EsriEnvelope e)
    {
        WriteHeader(GeoPackageGeometryType.Polygon, 1);
        WriteUInt32(5);
        // Clockwise, as ArcGIS orients exterior rings, so a round trip through the service keeps the same ring.
        WriteCoordinate(e.XMin, e.YMin, 0, double.NaN);
        WriteCoordinate(e.XMin, e.YMax, 0, double.NaN);
        WriteCoordinate(e.XMax, e.YMax, 0, double.NaN);
        WriteCoordinate(e.XMax, e.YMin, 0, double.NaN);
        WriteCoordinate(e.XMin, e.YMin, 0, double.NaN);
    }

    /// <summary>Writes a WKB geometry header: byte order, type, and the element count for non-point types.</summary>
    private void WriteHeader(GeoPackageGeometryType type, int? count)
    {
        Ensure(9);
        _buffer[_position++] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), (uint)type + TypeOffset);
        _position += 4;
        if (count is { } n)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), (uint)n);
            _position += 4;
        }
    }

    private void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        _position += 4;
    }

    /// <summary>Writes an ArcGIS coordinate array, whose layout (<c>[x,y,z?,m?]</c>) the source geometry's flags tell.</summary>
    private void WriteCoordinate(double[] c, EsriGeometry source)
    {
        if (c.Length < 2)
        {
            throw new GeoPackageGeometryException("A coordinate needs at least x and y.");
        }
        var z = source.HasZ && c.Length > 2 ? c[2] : 0;
        var mIndex = source.HasZ ? 3 : 2;
        var m = source.HasM && c.Length > mIndex ? c[mIndex] : double.NaN;
        WriteCoordinate(c[0], c[1], z, m);
    }

    private void WriteCoordinate(double x, double y, double z, double m)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            throw new GeoPackageGeometryException("A coordinate has a non-finite x or y.");
        }
        Ensure(8 * Dimension);
        var span = _buffer.AsSpan(_position);
        BinaryPrimitives.WriteDoubleLittleEndian(span, x);
        BinaryPrimitives.WriteDoubleLittleEndian(span[8..], y);
        var offset = 16;
        if (HasZ)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], z);
            offset += 8;
        }
        if (HasM)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], m);
            offset += 8;
        }
        _position += offset;
        if (x < _minX) _minX = x;
        if (x > _maxX) _maxX = x;
        if (y < _minY) _minY = y;
        if (y > _maxY) _maxY = y;
    }

    private void Ensure(int bytes)
    {
        if (_position + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _position + bytes));
        }
    }
}

/// <summary>A geometry that cannot be written to its GeoPackage column.</summary>
public sealed class GeoPackageGeometryException(string message) : Exception(message);
