using System.Globalization;

using OfflinePortal.SamplePortal.Http;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>The parameters of <c>exportTiles</c> and <c>estimateExportTilesSize</c> (SPEC §5.2/5.3), read and checked.</summary>
internal sealed record ExportTilesRequest(
    IReadOnlyList<int> Levels,
    ExportArea Area,
    bool TilePackage,
    string StorageFormat,
    IReadOnlyDictionary<string, string> Inputs)
{
    private static readonly string[] EchoedParameters =
        ["tilePackage", "exportBy", "levels", "exportExtent", "areaOfInterest", "polygon", "optimizeTilesForSize", "compressionQuality", "storageFormatType"];

    public static ExportTilesRequest Parse(ArcGisRequest request, TileScheme scheme)
    {
        var levels = ParseLevels(request.Get("levels"), request.Get("exportBy"), scheme);
        var area = ParseArea(request);
        var tilePackage = request.GetBool("tilePackage", false);
        var storageFormat = request.Get("storageFormatType") ?? "esriMapCacheStorageModeCompact";
        if (request.Get("compressionQuality") is { } quality
            && (!int.TryParse(quality, NumberStyles.Integer, CultureInfo.InvariantCulture, out var q) || q is < 0 or > 100))
        {
            throw new ArcGisException(400, "'compressionQuality' must be a whole number from 0 to 100.", $"Invalid value '{quality}'.");
        }
        var inputs = EchoedParameters
            .Select(name => (name, value: request.Get(name)))
            .Where(p => p.value is not null)
            .ToDictionary(p => p.name, p => p.value!, StringComparer.Ordinal);
        // ArcGIS Server runs exportTiles as the ExportTiles GP tool, whose job lists its own parameter names
        // (doc-example-vectortileserver-exportTiles-job-enterprise.json); give the client's values under those too.
        inputs["export_extent"] = request.Get("exportExtent") ?? "DEFAULT";
        inputs["tile_package"] = tilePackage ? "true" : "false";
        inputs["storage_format_type"] = storageFormat;
        if ((request.Get("areaOfInterest") ?? request.Get("polygon")) is { } areaOfInterest)
        {
            inputs["area_of_interest"] = areaOfInterest;
        }
        return new ExportTilesRequest(levels, area, tilePackage, storageFormat, inputs);
    }

    private static ExportArea ParseArea(ArcGisRequest request)
    {
        // areaOfInterest (10.2.1+) and polygon (10.7+) narrow the export to a polygon and win over exportExtent.
        if (request.Get("areaOfInterest") is { } aoi)
        {
            return Polygonal(EsriGeometryInput.ParseArea(aoi, SampleSpatialReference.WebMercator, "areaOfInterest"));
        }
        if (request.Get("polygon") is { } polygon)
        {
            return Polygonal(EsriGeometryInput.ParseArea(polygon, SampleSpatialReference.WebMercator, "polygon"));
        }
        var extentText = request.Get("exportExtent");
        if (extentText is null || extentText.Trim().Equals("DEFAULT", StringComparison.OrdinalIgnoreCase))
        {
            return new ExportArea(ServiceJson.FullExtent);
        }
        return new ExportArea(EsriGeometryInput.ParseExtent(extentText, SampleSpatialReference.WebMercator, "exportExtent"));
    }

    /// <summary>A rectangle given as a polygon is counted like an extent: same tiles, cheaper.</summary>
    private static ExportArea Polygonal(NetTopologySuite.Geometries.Geometry geometry) =>
        geometry.IsRectangle ? new ExportArea(geometry.EnvelopeInternal) : new ExportArea(geometry.EnvelopeInternal, geometry);

    /// <summary><c>levels</c> as <c>1,2,3</c> or <c>1-4,7-9</c>, in level ids, resolutions or scales per <c>exportBy</c>.</summary>
    public static IReadOnlyList<int> ParseLevels(string? text, string? exportBy, TileScheme scheme)
    {
        if (text is null)
        {
            throw new ArcGisException(400, "'levels' is required.", "Give levels as 1,2,3 or 1-4,7-9.");
        }
        var by = (exportBy ?? "LevelID").ToLowerInvariant();
        if (by is not ("levelid" or "resolution" or "scale"))
        {
            throw new ArcGisException(400, $"'exportBy' must be LevelID, Resolution or Scale, not '{exportBy}'.");
        }
        var levels = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = by == "levelid" ? part.IndexOf('-', 1) : -1;
            if (dash > 0)
            {
                var from = Level(part[..dash], by, scheme);
                var to = Level(part[(dash + 1)..], by, scheme);
                if (to < from)
                {
                    throw new ArcGisException(400, $"'levels' range '{part}' runs backwards.");
                }
                for (var level = from; level <= to; level++)
                {
                    levels.Add(level);
                }
            }
            else
            {
                levels.Add(Level(part, by, scheme));
            }
        }
        if (levels.Count == 0)
        {
            throw new ArcGisException(400, "'levels' names no level.");
        }
        return [.. levels];
    }

    private static int Level(string text, string by, TileScheme scheme)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new ArcGisException(400, $"'levels' holds '{text}', which is not a number.");
        }
        if (by == "levelid")
        {
            if (value != Math.Floor(value) || value < 0 || value > scheme.MaxLevel)
            {
                throw new ArcGisException(400, 
                    string.Create(CultureInfo.InvariantCulture, $"Level {text} does not exist; levels run from 0 to {scheme.MaxLevel}."));
            }
            return (int)value;
        }
        foreach (var lod in scheme.Lods)
        {
            var expected = by == "resolution" ? lod.Resolution : lod.Scale;
            if (Math.Abs(expected - value) <= expected * 1e-6)
            {
                return lod.Level;
            }
        }
        throw new ArcGisException(400, $"No level of this service has the {by} {text}.");
    }
}
