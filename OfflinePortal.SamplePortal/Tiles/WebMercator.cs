using NetTopologySuite.Geometries;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>Spherical Web Mercator (EPSG:3857, ArcGIS 102100) and WGS84 (EPSG:4326) conversions.</summary>
internal static class WebMercator
{
    public const double Radius = 6378137.0;
    public const double MaxLatitude = 85.0511287798066;

    public static double ToX(double longitude) => longitude * Math.PI / 180.0 * Radius;

    public static double ToY(double latitude)
    {
        var clamped = Math.Clamp(latitude, -MaxLatitude, MaxLatitude);
        return Math.Log(Math.Tan((90.0 + clamped) * Math.PI / 360.0)) * Radius;
    }

    public static double ToLongitude(double x) => x / Radius * 180.0 / Math.PI;

    public static double ToLatitude(double y) => ((2.0 * Math.Atan(Math.Exp(y / Radius))) - (Math.PI / 2.0)) * 180.0 / Math.PI;

    /// <summary>The projection is separable (x depends on longitude only, y on latitude only), so boxes map to boxes.</summary>
    public static Envelope FromGeographic(Envelope lonLat) =>
        new(ToX(lonLat.MinX), ToX(lonLat.MaxX), ToY(lonLat.MinY), ToY(lonLat.MaxY));

    public static Envelope ToGeographic(Envelope mercator) =>
        new(ToLongitude(mercator.MinX), ToLongitude(mercator.MaxX), ToLatitude(mercator.MinY), ToLatitude(mercator.MaxY));
}
