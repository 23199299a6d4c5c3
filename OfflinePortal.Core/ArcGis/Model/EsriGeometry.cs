namespace OfflinePortal.Core.ArcGis.Model;

/// <summary>Geometry types as ArcGIS names them (<c>esriGeometryPoint</c> …).</summary>
public enum EsriGeometryType
{
    None,
    Point,
    Multipoint,
    Polyline,
    Polygon,
    Envelope,
}

/// <summary>
/// Geometry in the ArcGIS JSON model. Coordinates are arrays <c>[x, y]</c>, <c>[x, y, z]</c>, <c>[x, y, m]</c> or
/// <c>[x, y, z, m]</c> as in the wire format (<see cref="HasZ"/> and <see cref="HasM"/> say which). Polygon rings follow
/// ArcGIS orientation: exterior rings clockwise, holes counter-clockwise.
/// </summary>
public abstract record EsriGeometry
{
    public SpatialReference? SpatialReference { get; init; }

    public bool HasZ { get; init; }

    public bool HasM { get; init; }

    public abstract EsriGeometryType Type { get; }

    /// <summary>True when the geometry holds no coordinates (ArcGIS sends e.g. <c>{"x":"NaN"}</c> or empty rings).</summary>
    public abstract bool IsEmpty { get; }

    /// <summary>The bounding box of all coordinates; <see cref="EsriEnvelope.Empty"/> when empty.</summary>
    public abstract EsriEnvelope GetExtent();

    public static EsriGeometryType ParseType(string? name) => name?.Trim() switch
    {
        null or "" => EsriGeometryType.None,
        var n when n.Equals("esriGeometryPoint", StringComparison.OrdinalIgnoreCase) => EsriGeometryType.Point,
        var n when n.Equals("esriGeometryMultipoint", StringComparison.OrdinalIgnoreCase) => EsriGeometryType.Multipoint,
        var n when n.Equals("esriGeometryPolyline", StringComparison.OrdinalIgnoreCase) => EsriGeometryType.Polyline,
        var n when n.Equals("esriGeometryPolygon", StringComparison.OrdinalIgnoreCase) => EsriGeometryType.Polygon,
        var n when n.Equals("esriGeometryEnvelope", StringComparison.OrdinalIgnoreCase) => EsriGeometryType.Envelope,
        _ => EsriGeometryType.None,
    };

    public static string ToWireName(EsriGeometryType type) => type switch
    {
        EsriGeometryType.Point => "esriGeometryPoint",
        EsriGeometryType.Multipoint => "esriGeometryMultipoint",
        EsriGeometryType.Polyline => "esriGeometryPolyline",
        EsriGeometryType.Polygon => "esriGeometryPolygon",
        EsriGeometryType.Envelope => "esriGeometryEnvelope",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No ArcGIS name for this geometry type."),
    };

    private protected static EsriEnvelope ExtentOf(IEnumerable<double[]> coordinates)
    {
        double xmin = double.PositiveInfinity, ymin = double.PositiveInfinity;
        double xmax = double.NegativeInfinity, ymax = double.NegativeInfinity;
        foreach (var c in coordinates)
        {
            if (c[0] < xmin) xmin = c[0];
            if (c[0] > xmax) xmax = c[0];
            if (c[1] < ymin) ymin = c[1];
            if (c[1] > ymax) ymax = c[1];
        }
        return double.IsPositiveInfinity(xmin) ? EsriEnvelope.Empty : new EsriEnvelope(xmin, ymin, xmax, ymax);
    }
}

public sealed record EsriPoint(double X, double Y, double? Z = null, double? M = null) : EsriGeometry
{
    public override EsriGeometryType Type => EsriGeometryType.Point;

    public override bool IsEmpty => double.IsNaN(X) || double.IsNaN(Y);

    public override EsriEnvelope GetExtent() => IsEmpty ? EsriEnvelope.Empty : new EsriEnvelope(X, Y, X, Y);
}

public sealed record EsriMultipoint(IReadOnlyList<double[]> Points) : EsriGeometry
{
    public override EsriGeometryType Type => EsriGeometryType.Multipoint;

    public override bool IsEmpty => Points.Count == 0;

    public override EsriEnvelope GetExtent() => ExtentOf(Points);
}

public sealed record EsriPolyline(IReadOnlyList<IReadOnlyList<double[]>> Paths) : EsriGeometry
{
    public override EsriGeometryType Type => EsriGeometryType.Polyline;

    public override bool IsEmpty => Paths.All(p => p.Count == 0);

    public override EsriEnvelope GetExtent() => ExtentOf(Paths.SelectMany(p => p));
}

public sealed record EsriPolygon(IReadOnlyList<IReadOnlyList<double[]>> Rings) : EsriGeometry
{
    public override EsriGeometryType Type => EsriGeometryType.Polygon;

    public override bool IsEmpty => Rings.All(r => r.Count == 0);

    public override EsriEnvelope GetExtent() => ExtentOf(Rings.SelectMany(r => r));
}

public sealed record EsriEnvelope(double XMin, double YMin, double XMax, double YMax) : EsriGeometry
{
    public static EsriEnvelope Empty { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN);

    public override EsriGeometryType Type => EsriGeometryType.Envelope;

    public override bool IsEmpty => double.IsNaN(XMin) || double.IsNaN(YMin) || double.IsNaN(XMax) || double.IsNaN(YMax);

    public double Width => XMax - XMin;

    public double Height => YMax - YMin;

    public override EsriEnvelope GetExtent() => this;

    public bool Intersects(EsriEnvelope other) =>
        !IsEmpty && !other.IsEmpty && XMin <= other.XMax && other.XMin <= XMax && YMin <= other.YMax && other.YMin <= YMax;

    public EsriEnvelope Union(EsriEnvelope other) =>
        IsEmpty ? other : other.IsEmpty ? this
        : new EsriEnvelope(Math.Min(XMin, other.XMin), Math.Min(YMin, other.YMin), Math.Max(XMax, other.XMax), Math.Max(YMax, other.YMax))
        {
            SpatialReference = SpatialReference ?? other.SpatialReference,
        };
}
