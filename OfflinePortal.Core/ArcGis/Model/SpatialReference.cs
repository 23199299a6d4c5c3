namespace OfflinePortal.Core.ArcGis.Model;

/// <summary>An ArcGIS spatial reference: a well-known id (<c>wkid</c>/<c>latestWkid</c>) or only a WKT string.</summary>
public sealed record SpatialReference(int? Wkid, int? LatestWkid = null, string? Wkt = null)
{
    public static SpatialReference Wgs84 { get; } = new(4326, 4326);

    /// <summary>Web Mercator as ArcGIS writes it: <c>{"wkid":102100,"latestWkid":3857}</c>.</summary>
    public static SpatialReference WebMercator { get; } = new(102100, 3857);

    /// <summary>The EPSG code to use in files (102100/102113/900913 are Web Mercator, 3857), or null for WKT-only references.</summary>
    public int? Epsg => (LatestWkid ?? Wkid) switch
    {
        102100 or 102113 or 900913 => 3857,
        var code => code,
    };

    public bool IsWebMercator => Epsg == 3857;

    public bool IsWgs84 => Epsg == 4326;

    /// <summary>Two references denote the same system (102100 equals 3857).</summary>
    public bool IsSameAs(SpatialReference? other) =>
        other is not null && (Epsg is { } a && other.Epsg is { } b ? a == b : string.Equals(Wkt, other.Wkt, StringComparison.Ordinal));
}
