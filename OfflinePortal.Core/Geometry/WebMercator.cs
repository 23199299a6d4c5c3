namespace OfflinePortal.Core.Geometry;

/// <summary>Spherical Web Mercator (EPSG:3857, ArcGIS 102100) forward and inverse projection, as ArcGIS computes it.</summary>
public static class WebMercator
{
    public const double EarthRadius = 6378137.0;

    /// <summary>Half the world's width in metres: the x of longitude 180°.</summary>
    public const double HalfWorld = Math.PI * EarthRadius;

    /// <summary>The latitude where Web Mercator's square world ends (±85.0511…°).</summary>
    public static readonly double MaxLatitude = Math.Atan(Math.Sinh(Math.PI)) * 180.0 / Math.PI;

    public static (double X, double Y) FromLonLat(double longitude, double latitude)
    {
        var lat = Math.Clamp(latitude, -MaxLatitude, MaxLatitude);
        var x = longitude * Math.PI / 180.0 * EarthRadius;
        var y = Math.Log(Math.Tan(Math.PI / 4.0 + lat * Math.PI / 360.0)) * EarthRadius;
        return (x, y);
    }

    public static (double Longitude, double Latitude) ToLonLat(double x, double y)
    {
        var longitude = x / EarthRadius * 180.0 / Math.PI;
        var latitude = (2.0 * Math.Atan(Math.Exp(y / EarthRadius)) - Math.PI / 2.0) * 180.0 / Math.PI;
        return (longitude, latitude);
    }
}
