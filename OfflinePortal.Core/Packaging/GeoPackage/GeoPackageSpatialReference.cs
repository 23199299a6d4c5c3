using System.Globalization;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>A row of <c>gpkg_spatial_ref_sys</c>.</summary>
public sealed record GeoPackageSpatialReference(
    int SrsId,
    string Name,
    string Organization,
    int OrganizationCoordsysId,
    string Definition,
    string? Description = null)
{
    /// <summary>First srs_id used for references that only have a WKT (no EPSG code); GDAL counts from the same place.</summary>
    public const int FirstCustomSrsId = 100000;

    private const string Wgs84GeogCs =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]]," +
        "AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]]," +
        "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]]";

    public static GeoPackageSpatialReference Wgs84 { get; } = new(
        4326, "WGS 84 geodetic", "EPSG", 4326,
        Wgs84GeogCs + ",AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]",
        "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid");

    public static GeoPackageSpatialReference WebMercator { get; } = new(
        3857, "WGS 84 / Pseudo-Mercator", "EPSG", 3857,
        "PROJCS[\"WGS 84 / Pseudo-Mercator\"," + Wgs84GeogCs + ",AUTHORITY[\"EPSG\",\"4326\"]]," +
        "PROJECTION[\"Mercator_1SP\"],PARAMETER[\"central_meridian\",0],PARAMETER[\"scale_factor\",1]," +
        "PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]]," +
        "AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH]," +
        "EXTENSION[\"PROJ4\",\"+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs\"]," +
        "AUTHORITY[\"EPSG\",\"3857\"]]",
        "Web Mercator as used by ArcGIS Online, OpenStreetMap and most web maps (ArcGIS wkid 102100)");

    /// <summary>The three rows every GeoPackage must hold (-1 and 0 undefined, 4326).</summary>
    public static IReadOnlyList<GeoPackageSpatialReference> Required { get; } =
    [
        new(-1, "Undefined cartesian SRS", "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
        new(0, "Undefined geographic SRS", "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
        Wgs84,
    ];

    /// <summary>
    /// The row for an EPSG code: a full WKT for 4326, 3857 and the WGS 84 UTM zones (32601-32660, 32701-32760),
    /// the caller's WKT when given, and otherwise <c>undefined</c> with the EPSG code (GDAL and QGIS then resolve the
    /// definition from their own EPSG database, which is how they read such a row).
    /// </summary>
    public static GeoPackageSpatialReference ForEpsg(int epsg, string? wkt = null)
    {
        if (epsg == 4326)
        {
            return Wgs84;
        }
        if (epsg == 3857)
        {
            return WebMercator;
        }
        if (UtmWgs84(epsg) is { } utm)
        {
            return utm;
        }
        var code = epsg.ToString(CultureInfo.InvariantCulture);
        return new(epsg, "EPSG:" + code, "EPSG", epsg, string.IsNullOrWhiteSpace(wkt) ? "undefined" : wkt);
    }

    /// <summary>The row for an ArcGIS spatial reference: by EPSG code when it has one, else a custom row with its WKT.</summary>
    public static GeoPackageSpatialReference From(SpatialReference reference, int customSrsId)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Epsg is { } epsg and > 0)
        {
            return ForEpsg(epsg, reference.Wkt);
        }
        if (string.IsNullOrWhiteSpace(reference.Wkt))
        {
            throw new ArgumentException("A spatial reference needs a wkid or a WKT.", nameof(reference));
        }
        var name = WktName(reference.Wkt) ?? "Custom " + customSrsId.ToString(CultureInfo.InvariantCulture);
        return new(customSrsId, name, "NONE", customSrsId, reference.Wkt, "WKT-only spatial reference from the service");
    }

    private static GeoPackageSpatialReference? UtmWgs84(int epsg)
    {
        var north = epsg is >= 32601 and <= 32660;
        var south = epsg is >= 32701 and <= 32760;
        if (!north && !south)
        {
            return null;
        }
        var zone = epsg % 100;
        var inv = CultureInfo.InvariantCulture;
        var hemisphere = north ? "N" : "S";
        var name = string.Create(inv, $"WGS 84 / UTM zone {zone}{hemisphere}");
        var centralMeridian = (zone * 6) - 183;
        var wkt = string.Create(inv,
            $"PROJCS[\"{name}\",{Wgs84GeogCs},AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_Mercator\"]," +
            $"PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",{centralMeridian}]," +
            $"PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000]," +
            $"PARAMETER[\"false_northing\",{(north ? 0 : 10000000)}],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]]," +
            $"AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"{epsg}\"]]");
        return new(epsg, name, "EPSG", epsg, wkt);
    }

    private static string? WktName(string wkt)
    {
        var open = wkt.IndexOf("[\"", StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }
        var close = wkt.IndexOf('"', open + 2);
        return close > open + 2 ? wkt[(open + 2)..close] : null;
    }
}
