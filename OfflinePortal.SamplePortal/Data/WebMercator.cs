using NetTopologySuite.Geometries;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>Spherical Web Mercator (EPSG:3857 / ESRI 102100) and WGS84, with the exact closed-form formulas.</summary>
internal static class WebMercator
{
    public const double Radius = 6378137.0;
    public const int Wkid = 102100;
    public const int LatestWkid = 3857;
    public const int Wgs84 = 4326;
    private const double MaxLatitude = 85.0511287798066;

    public static (double X, double Y) FromLonLat(double lon, double lat)
    {
        lat = Math.Clamp(lat, -MaxLatitude, MaxLatitude);
        var x = Radius * lon * Math.PI / 180.0;
        var y = Radius * Math.Log(Math.Tan(Math.PI / 4.0 + lat * Math.PI / 360.0));
        return (x, y);
    }

    public static (double Lon, double Lat) ToLonLat(double x, double y)
    {
        var lon = x / Radius * 180.0 / Math.PI;
        var lat = (2.0 * Math.Atan(Math.Exp(y / Radius)) - Math.PI / 2.0) * 180.0 / Math.PI;
        return (lon, lat);
    }

    /// <summary>True for the wkids this server can project between; 102100, 3857, 102113 and 900913 are one Web Mercator.</summary>
    public static bool IsWebMercator(int wkid) => wkid is 102100 or 3857 or 102113 or 900913;

    public static bool IsSupported(int wkid) => IsWebMercator(wkid) || wkid == Wgs84;

    /// <summary>Projects a geometry between the two supported systems; returns the same instance when they are equal.</summary>
    public static Geometry Project(Geometry geometry, int fromWkid, int toWkid)
    {
        var fromMercator = IsWebMercator(fromWkid);
        var toMercator = IsWebMercator(toWkid);
        if (fromMercator == toMercator)
        {
            return geometry;
        }
        var copy = geometry.Copy();
        copy.Apply(new CoordinateFilter(fromMercator));
        copy.GeometryChanged();
        return copy;
    }

    public static Envelope Project(Envelope envelope, int fromWkid, int toWkid)
    {
        if (IsWebMercator(fromWkid) == IsWebMercator(toWkid) || envelope.IsNull)
        {
            return envelope;
        }
        if (IsWebMercator(fromWkid))
        {
            var (x0, y0) = ToLonLat(envelope.MinX, envelope.MinY);
            var (x1, y1) = ToLonLat(envelope.MaxX, envelope.MaxY);
            return new Envelope(x0, x1, y0, y1);
        }
        var (a, b) = FromLonLat(envelope.MinX, envelope.MinY);
        var (c, d) = FromLonLat(envelope.MaxX, envelope.MaxY);
        return new Envelope(a, c, b, d);
    }

    private sealed class CoordinateFilter(bool toLonLat) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (x, y) = toLonLat ? ToLonLat(seq.GetX(i), seq.GetY(i)) : FromLonLat(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, x);
                seq.SetY(i, y);
            }
        }
    }
}
