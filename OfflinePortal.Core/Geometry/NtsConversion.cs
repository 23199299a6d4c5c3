using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Geometry;

/// <summary>
/// Converts between the ArcGIS JSON geometry model and NetTopologySuite geometries. ArcGIS polygons are a flat list
/// of rings (exterior rings clockwise, holes counter-clockwise); NTS polygons own their holes, so rings are grouped by
/// orientation and containment.
/// </summary>
public static class NtsConversion
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 0);

    public static NetTopologySuite.Geometries.Geometry ToNts(EsriGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return geometry switch
        {
            EsriPoint p => p.IsEmpty ? Factory.CreatePoint() : Factory.CreatePoint(new Coordinate(p.X, p.Y)),
            EsriMultipoint mp => Factory.CreateMultiPointFromCoords(mp.Points.Select(ToCoordinate).ToArray()),
            EsriPolyline pl => Factory.CreateMultiLineString(pl.Paths.Where(p => p.Count >= 2)
                .Select(p => Factory.CreateLineString(p.Select(ToCoordinate).ToArray())).ToArray()),
            EsriPolygon pg => PolygonFromRings(pg.Rings),
            EsriEnvelope e => e.IsEmpty ? Factory.CreatePolygon() : Factory.ToGeometry(new Envelope(e.XMin, e.XMax, e.YMin, e.YMax)),
            _ => throw new ArgumentException($"Unsupported geometry {geometry.GetType().Name}.", nameof(geometry)),
        };
    }

    /// <summary>Converts polygonal NTS geometry back to an ArcGIS polygon (exterior clockwise, holes counter-clockwise).</summary>
    public static EsriPolygon ToEsriPolygon(NetTopologySuite.Geometries.Geometry geometry, SpatialReference? spatialReference)
    {
        var rings = new List<IReadOnlyList<double[]>>();
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is not Polygon polygon || polygon.IsEmpty)
            {
                continue;
            }
            rings.Add(Ring(polygon.ExteriorRing.Coordinates, clockwise: true));
            foreach (var hole in polygon.InteriorRings)
            {
                rings.Add(Ring(hole.Coordinates, clockwise: false));
            }
        }
        return new EsriPolygon(rings) { SpatialReference = spatialReference };
    }

    private static Coordinate ToCoordinate(double[] c) => new(c[0], c[1]);


    private static IReadOnlyList<double[]> Ring(IReadOnlyList<Coordinate> coordinates, bool clockwise)
    {
        var ring = coordinates.Select(c => new[] { c.X, c.Y }).ToList();
        var isCounterClockwise = Orientation.IsCCW(coordinates.ToArray());
        if (isCounterClockwise == clockwise)
        {
            ring.Reverse();
        }
        return ring;
    }

    private static NetTopologySuite.Geometries.Geometry PolygonFromRings(IReadOnlyList<IReadOnlyList<double[]>> rings)
    {
        var shells = new List<(LinearRing Ring, Polygon Area, List<LinearRing> Holes)>();
        var holes = new List<LinearRing>();
        foreach (var ring in rings)
        {
            if (ring.Count < 3)
            {
                continue;
            }
            var coordinates = ring.Select(c => new Coordinate(c[0], c[1])).ToList();
            if (!coordinates[0].Equals2D(coordinates[^1]))
            {
                coordinates.Add(coordinates[0].Copy());
            }
            if (coordinates.Count < 4)
            {
                continue;
            }
            var linear = Factory.CreateLinearRing(coordinates.ToArray());
            // ArcGIS: exterior rings are clockwise. NTS's IsCCW is true for counter-clockwise (a hole).
            if (Orientation.IsCCW(linear.CoordinateSequence))
            {
                holes.Add(linear);
            }
            else
            {
                shells.Add((linear, Factory.CreatePolygon(linear), []));
            }
        }
        if (shells.Count == 0 && holes.Count > 0)
        {
            // Rings written with the opposite convention (as GeoJSON does): treat them as exteriors.
            shells.AddRange(holes.Select(h => (h, Factory.CreatePolygon(h), new List<LinearRing>())));
            holes.Clear();
        }
        foreach (var hole in holes)
        {
            var inside = shells.Where(s => s.Area.Contains(hole.StartPoint)).OrderBy(s => s.Area.Area).FirstOrDefault();
            if (inside.Ring is not null)
            {
                inside.Holes.Add(hole);
            }
            else
            {
                // A counter-clockwise ring contained by nothing is an exterior written the other way round.
                shells.Add((hole, Factory.CreatePolygon(hole), []));
            }
        }
        var polygons = shells.Select(s => Factory.CreatePolygon(s.Ring, s.Holes.ToArray())).ToArray();
        return polygons.Length == 1 ? polygons[0] : Factory.CreateMultiPolygon(polygons);
    }
}
