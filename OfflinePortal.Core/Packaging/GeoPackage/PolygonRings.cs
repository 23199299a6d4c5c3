namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Turns the flat ring list of an ArcGIS polygon into polygons with holes. ArcGIS orients exterior rings clockwise
/// and holes counter-clockwise (y up); each hole goes to the smallest exterior that contains it. A hole that no
/// exterior contains becomes an exterior of its own, and a polygon without any clockwise ring (a service that
/// ignores the orientation rule) gets every ring as an exterior rather than losing it. Rings keep their vertex order.
/// </summary>
public static class PolygonRings
{
    public sealed record Part(IReadOnlyList<double[]> Exterior, IReadOnlyList<IReadOnlyList<double[]>> Holes);

    public static IReadOnlyList<Part> Assemble(IReadOnlyList<IReadOnlyList<double[]>> rings)
    {
        ArgumentNullException.ThrowIfNull(rings);
        var exteriors = new List<(IReadOnlyList<double[]> Ring, double Area, List<IReadOnlyList<double[]>> Holes)>();
        var holes = new List<IReadOnlyList<double[]>>();
        foreach (var ring in rings)
        {
            if (DistinctVertexCount(ring) < 3)
            {
                continue; // not an area: a ring needs three distinct vertices
            }
            var area = SignedArea(ring);
            if (area < 0)
            {
                exteriors.Add((ring, -area, []));
            }
            else if (area > 0)
            {
                holes.Add(ring);
            }
        }
        if (exteriors.Count == 0)
        {
            return holes.Select(h => new Part(h, [])).ToList();
        }
        foreach (var hole in holes)
        {
            var best = -1;
            for (var i = 0; i < exteriors.Count; i++)
            {
                if (Contains(exteriors[i].Ring, hole) && (best < 0 || exteriors[i].Area < exteriors[best].Area))
                {
                    best = i;
                }
            }
            if (best >= 0)
            {
                exteriors[best].Holes.Add(hole);
            }
            else
            {
                exteriors.Add((hole, SignedArea(hole), []));
            }
        }
        return exteriors.Select(e => new Part(e.Ring, e.Holes)).ToList();
    }

    public static bool IsClosed(IReadOnlyList<double[]> ring) =>
        ring.Count > 1 && ring[0][0] == ring[^1][0] && ring[0][1] == ring[^1][1];

    /// <summary>Shoelace area; negative for clockwise rings in a y-up system.</summary>
    public static double SignedArea(IReadOnlyList<double[]> ring)
    {
        double sum = 0;
        var n = ring.Count;
        for (var i = 0; i < n; i++)
        {
            var a = ring[i];
            var b = ring[(i + 1) % n];
            sum += (a[0] * b[1]) - (b[0] * a[1]);
        }
        return sum / 2;
    }

    private static int DistinctVertexCount(IReadOnlyList<double[]> ring)
    {
        var count = 0;
        double[]? previous = null;
        foreach (var c in ring)
        {
            if (previous is null || previous[0] != c[0] || previous[1] != c[1])
            {
                count++;
            }
            previous = c;
        }
        if (count > 1 && IsClosed(ring))
        {
            count--;
        }
        return count;
    }

    /// <summary>
    /// True when <paramref name="inner"/> lies inside <paramref name="outer"/>: decided by the first vertex of the inner
    /// ring that is not on the outer boundary (holes may touch their exterior at a vertex).
    /// </summary>
    private static bool Contains(IReadOnlyList<double[]> outer, IReadOnlyList<double[]> inner)
    {
        foreach (var vertex in inner)
        {
            var location = Locate(outer, vertex[0], vertex[1]);
            if (location != 0)
            {
                return location > 0;
            }
        }
        return true; // every vertex on the boundary: the same ring traced backwards; treat as contained
    }

    /// <summary>1 inside, -1 outside, 0 on the boundary (crossing-number test).</summary>
    private static int Locate(IReadOnlyList<double[]> ring, double x, double y)
    {
        var inside = false;
        var n = ring.Count;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            double xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
            if (OnSegment(xi, yi, xj, yj, x, y))
            {
                return 0;
            }
            if ((yi > y) != (yj > y) && x < ((xj - xi) * (y - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }
        return inside ? 1 : -1;
    }

    private static bool OnSegment(double x1, double y1, double x2, double y2, double x, double y)
    {
        var cross = ((x2 - x1) * (y - y1)) - ((y2 - y1) * (x - x1));
        var scale = Math.Max(Math.Abs(x2 - x1) + Math.Abs(y2 - y1), 1e-300);
        return Math.Abs(cross) / scale <= 1e-12 * Math.Max(1, Math.Abs(x) + Math.Abs(y))
            && x >= Math.Min(x1, x2) && x <= Math.Max(x1, x2) && y >= Math.Min(y1, y2) && y <= Math.Max(y1, y2);
    }
}
