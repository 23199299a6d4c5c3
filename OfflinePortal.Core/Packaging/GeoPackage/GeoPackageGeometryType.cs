using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>The GeoPackage geometry type of a column; values are the ISO WKB base type codes.</summary>
public enum GeoPackageGeometryType
{
    Point = 1,
    LineString = 2,
    Polygon = 3,
    MultiPoint = 4,
    MultiLineString = 5,
    MultiPolygon = 6,
}

public static class GeoPackageGeometryTypes
{
    /// <summary>
    /// The column type for an ArcGIS layer. Polylines and polygons always use the multi types, because ArcGIS allows
    /// several paths or exterior rings in any feature and a GeoPackage column holds one geometry type.
    /// </summary>
    public static GeoPackageGeometryType FromEsri(EsriGeometryType type) => type switch
    {
        EsriGeometryType.Point => GeoPackageGeometryType.Point,
        EsriGeometryType.Multipoint => GeoPackageGeometryType.MultiPoint,
        EsriGeometryType.Polyline => GeoPackageGeometryType.MultiLineString,
        EsriGeometryType.Polygon => GeoPackageGeometryType.MultiPolygon,
        EsriGeometryType.Envelope => GeoPackageGeometryType.Polygon,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "A feature layer needs a geometry type."),
    };

    /// <summary>The name used in <c>gpkg_geometry_columns.geometry_type_name</c> and in the column declaration.</summary>
    public static string ToSqlName(this GeoPackageGeometryType type) => type switch
    {
        GeoPackageGeometryType.Point => "POINT",
        GeoPackageGeometryType.LineString => "LINESTRING",
        GeoPackageGeometryType.Polygon => "POLYGON",
        GeoPackageGeometryType.MultiPoint => "MULTIPOINT",
        GeoPackageGeometryType.MultiLineString => "MULTILINESTRING",
        GeoPackageGeometryType.MultiPolygon => "MULTIPOLYGON",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
