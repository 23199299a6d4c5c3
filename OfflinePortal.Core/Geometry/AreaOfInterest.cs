using System.Diagnostics;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Geometry;

/// <summary>An area of interest that cannot be used, with a message a supervisor can act on.</summary>
public sealed class AreaOfInterestException(string message) : ArgumentException(message);

/// <summary>
/// A validated, normalised area of interest: polygonal, non-empty, with a simple boundary, in longitude/latitude
/// within ±180° (an area crossing the antimeridian is split into parts on either side) and the same in Web Mercator.
/// </summary>
public sealed class AreaOfInterest
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private AreaOfInterest(NetTopologySuite.Geometries.Geometry wgs84, bool crossesAntimeridian)
    {
        Wgs84 = wgs84;
        CrossesAntimeridian = crossesAntimeridian;
        WebMercatorGeometry = ProjectToWebMercator(wgs84);
        AreaSquareKilometres = SphericalAreaSquareKilometres(wgs84);
    }

    /// <summary>The area in WGS84 longitude/latitude (a Polygon, or a MultiPolygon when split or multi-part).</summary>
    public NetTopologySuite.Geometries.Geometry Wgs84 { get; }

    /// <summary>The area in Web Mercator metres (EPSG:3857), split the same way.</summary>
    public NetTopologySuite.Geometries.Geometry WebMercatorGeometry { get; }

    public bool CrossesAntimeridian { get; }

    public double AreaSquareKilometres { get; }

    /// <summary>The area as an ArcGIS polygon in WGS84 or Web Mercator.</summary>
    public EsriPolygon ToEsriPolygon(SpatialReference spatialReference) =>
        spatialReference.IsWebMercator
            ? NtsConversion.ToEsriPolygon(WebMercatorGeometry, SpatialReference.WebMercator)
            : NtsConversion.ToEsriPolygon(Wgs84, SpatialReference.Wgs84);

    /// <summary>The bounding box in WGS84 of each part (two boxes for an area split at the antimeridian).</summary>
    public IReadOnlyList<EsriEnvelope> PartEnvelopesWgs84() =>
        Enumerable.Range(0, Wgs84.NumGeometries)
            .Select(i => Wgs84.GetGeometryN(i).EnvelopeInternal)
            .Select(e => new EsriEnvelope(e.MinX, e.MinY, e.MaxX, e.MaxY) { SpatialReference = SpatialReference.Wgs84 })
            .ToList();

    /// <summary>
    /// Validates and normalises <paramref name="geometry"/>. A geometry without a spatial reference is read as WGS84.
    /// </summary>
    /// <exception cref="AreaOfInterestException">The area is empty, not polygonal, out of range, self-intersecting or too large.</exception>
    public static AreaOfInterest Create(EsriGeometry geometry, double maxSquareKilometres = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry is not (EsriPolygon or EsriEnvelope))
        {
            throw new AreaOfInterestException($"The area of interest must be a polygon or a rectangle, not a {geometry.Type.ToString().ToLowerInvariant()}.");
        }
        if (geometry.IsEmpty)
        {
            throw new AreaOfInterestException("The area of interest is empty: draw a rectangle or polygon around the crew's work area.");
        }
        var spatialReference = geometry.SpatialReference ?? SpatialReference.Wgs84;
        if (!spatialReference.IsWgs84 && !spatialReference.IsWebMercator)
        {
            throw new AreaOfInterestException(
                $"The area of interest must be in WGS84 (4326) or Web Mercator (3857/102100), not {spatialReference.Wkid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown spatial reference"}.");
        }

        var rings = geometry switch
        {
            EsriEnvelope e => [[[e.XMin, e.YMin], [e.XMin, e.YMax], [e.XMax, e.YMax], [e.XMax, e.YMin], [e.XMin, e.YMin]]],
            EsriPolygon p => p.Rings,
            _ => throw new UnreachableException(),
        };

        var lonLatRings = new List<IReadOnlyList<double[]>>();
        var crosses = false;
        foreach (var ring in rings.Where(r => r.Count > 0))
        {
            var converted = ring.Select(c => ToLonLat(c, spatialReference)).ToList();
            crosses |= Unwrap(converted);
            lonLatRings.Add(converted);
        }

        NetTopologySuite.Geometries.Geometry unwrapped;
        try
        {
            unwrapped = NtsConversion.ToNts(new EsriPolygon(lonLatRings));
        }
        catch (ArgumentException ex)
        {
            throw new AreaOfInterestException("The area of interest is not a valid polygon: " + ex.Message);
        }
        if (unwrapped.IsEmpty || unwrapped.ConvexHull().Area <= 0)
        {
            throw new AreaOfInterestException("The area of interest has no area: it needs at least three corners that are not on one line.");
        }
        var validation = new IsValidOp(unwrapped).ValidationError;
        if (validation is not null)
        {
            var at = validation.Coordinate is { } c
                ? FormattableString.Invariant($" near longitude {c.X:0.#####}, latitude {c.Y:0.#####}")
                : "";
            throw new AreaOfInterestException($"The area of interest is not a simple polygon ({validation.Message.ToLowerInvariant()}{at}): its boundary must not cross itself.");
        }
        var envelope = unwrapped.EnvelopeInternal;
        if (envelope.MinY < -90 || envelope.MaxY > 90)
        {
            throw new AreaOfInterestException("The area of interest reaches beyond the poles: latitudes must lie between -90 and 90.");
        }
        if (envelope.Width >= 360)
        {
            throw new AreaOfInterestException("The area of interest spans the whole world in longitude; choose a smaller area.");
        }

        var area = new AreaOfInterest(SplitAtAntimeridian(unwrapped), crosses || envelope.MinX < -180 || envelope.MaxX > 180);
        if (area.AreaSquareKilometres > maxSquareKilometres)
        {
            throw new AreaOfInterestException(FormattableString.Invariant(
                $"The area of interest covers {area.AreaSquareKilometres:N0} km², more than the limit of {maxSquareKilometres:N0} km²."));
        }
        return area;
    }

    private static double[] ToLonLat(double[] c, SpatialReference spatialReference)
    {
        if (double.IsNaN(c[0]) || double.IsNaN(c[1]) || double.IsInfinity(c[0]) || double.IsInfinity(c[1]))
        {
            throw new AreaOfInterestException("The area of interest has a coordinate that is not a number.");
        }
        if (!spatialReference.IsWebMercator)
        {
            return [c[0], c[1]];
        }
        var (lon, lat) = WebMercator.ToLonLat(c[0], c[1]);
        return [lon, lat];
    }

    /// <summary>Makes a ring continuous in longitude: a jump of more than 180° between neighbours is taken as a crossing.</summary>
    private static bool Unwrap(List<double[]> ring)
    {
        var crossed = false;
        var offset = 0.0;
        for (var i = 1; i < ring.Count; i++)
        {
            var delta = ring[i][0] + offset - ring[i - 1][0];
            if (delta > 180)
            {
                offset -= 360;
                crossed = true;
            }
            else if (delta < -180)
            {
                offset += 360;
                crossed = true;
            }
            ring[i] = [ring[i][0] + offset, ring[i][1]];
        }
        return crossed;
    }

    private static NetTopologySuite.Geometries.Geometry SplitAtAntimeridian(NetTopologySuite.Geometries.Geometry unwrapped)
    {
        var parts = new List<Polygon>();
        foreach (var shift in new[] { -360.0, 0.0, 360.0 })
        {
            var window = Factory.ToGeometry(new Envelope(-180 - shift, 180 - shift, -90, 90));
            if (!window.EnvelopeInternal.Intersects(unwrapped.EnvelopeInternal))
            {
                continue;
            }
            var piece = unwrapped.Intersection(window);
            for (var i = 0; i < piece.NumGeometries; i++)
            {
                if (piece.GetGeometryN(i) is Polygon polygon && polygon.Area > 0)
                {
                    var moved = (Polygon)polygon.Copy();
                    moved.Apply(new ShiftFilter(shift));
                    moved.GeometryChanged();
                    parts.Add(moved);
                }
            }
        }
        var result = parts.Count == 1 ? (NetTopologySuite.Geometries.Geometry)parts[0] : Factory.CreateMultiPolygon(parts.ToArray());
        result.SRID = 4326;
        return result;
    }

    private static NetTopologySuite.Geometries.Geometry ProjectToWebMercator(NetTopologySuite.Geometries.Geometry wgs84)
    {
        var projected = wgs84.Copy();
        projected.Apply(new WebMercatorFilter());
        projected.GeometryChanged();
        projected.SRID = 3857;
        return projected;
    }

    /// <summary>Area on the sphere (authalic radius), good to a fraction of a percent for crew areas.</summary>
    private static double SphericalAreaSquareKilometres(NetTopologySuite.Geometries.Geometry lonLat)
    {
        const double radiusKm = 6371.0072;
        double Ring(Coordinate[] ring)
        {
            double sum = 0;
            for (var i = 0; i < ring.Length - 1; i++)
            {
                var lon1 = ring[i].X * Math.PI / 180;
                var lon2 = ring[i + 1].X * Math.PI / 180;
                var lat1 = ring[i].Y * Math.PI / 180;
                var lat2 = ring[i + 1].Y * Math.PI / 180;
                sum += (lon2 - lon1) * (2 + Math.Sin(lat1) + Math.Sin(lat2));
            }
            return Math.Abs(sum * radiusKm * radiusKm / 2);
        }
        double total = 0;
        for (var i = 0; i < lonLat.NumGeometries; i++)
        {
            if (lonLat.GetGeometryN(i) is Polygon polygon)
            {
                total += Ring(polygon.ExteriorRing.Coordinates) - polygon.InteriorRings.Sum(h => Ring(h.Coordinates));
            }
        }
        return total;
    }

    private sealed class ShiftFilter(double shift) : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i) => seq.SetX(i, seq.GetX(i) + shift);
    }

    private sealed class WebMercatorFilter : ICoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = WebMercator.FromLonLat(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
