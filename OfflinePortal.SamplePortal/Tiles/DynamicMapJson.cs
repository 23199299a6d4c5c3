using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>The description JSON of the dynamic <c>WaterNetwork/MapServer</c> and of its layers.</summary>
internal static class DynamicMapJson
{
    public const string ServiceName = "WaterNetwork";

    private const string Description = "Dynamic map of the sample water utility: drawn on request by export, no cache.";

    public static object Root(int maxExportTilesCount) => new
    {
        currentVersion = ServiceJson.CurrentVersion,
        serviceDescription = Description,
        mapName = "WaterNetwork",
        description = Description,
        copyrightText = ServiceJson.Copyright,
        supportsDynamicLayers = false,
        layers = SampleLayers.All.Select(layer => new
        {
            id = layer.Id,
            name = layer.Name,
            parentLayerId = -1,
            defaultVisibility = true,
            subLayerIds = (int[]?)null,
            minScale = MinScale(layer),
            maxScale = 0,
            type = "Feature Layer",
            geometryType = layer.GeometryType,
        }).ToArray(),
        tables = Array.Empty<object>(),
        spatialReference = EsriGeometryInput.Json(SampleSpatialReference.WebMercator),
        singleFusedMapCache = false,
        initialExtent = ServiceJson.Extent(ServiceJson.InitialExtent),
        fullExtent = ServiceJson.Extent(ServiceJson.FullExtent),
        minScale = 0,
        maxScale = 0,
        units = "esriMeters",
        supportedImageFormatTypes = "PNG32,PNG24,PNG,JPG",
        documentInfo = ServiceJson.DocumentInfo("Sample water network"),
        capabilities = "Map",
        exportTilesAllowed = false,
        maxExportTilesCount,
        maxRecordCount = 1000,
        maxImageHeight = DynamicExport.MaxImageSize,
        maxImageWidth = DynamicExport.MaxImageSize,
        supportedExtensions = string.Empty,
    };

    public static object Layer(SampleLayer layer) => new
    {
        currentVersion = ServiceJson.CurrentVersion,
        id = layer.Id,
        name = layer.Name,
        type = "Feature Layer",
        description = string.Empty,
        geometryType = layer.GeometryType,
        sourceSpatialReference = EsriGeometryInput.Json(SampleSpatialReference.WebMercator),
        copyrightText = ServiceJson.Copyright,
        parentLayer = (object?)null,
        subLayers = Array.Empty<object>(),
        minScale = MinScale(layer),
        maxScale = 0,
        drawingInfo = new { renderer = Renderer(layer), transparency = 0, labelingInfo = (object?)null },
        defaultVisibility = true,
        extent = ServiceJson.Extent(ServiceJson.FullExtent),
        hasAttachments = false,
        htmlPopupType = "esriServerHTMLPopupTypeNone",
        displayField = layer.Source.DisplayField,
        typeIdField = (string?)null,
        fields = layer.Source.Fields.Select(Field).ToArray(),
        relationships = Array.Empty<object>(),
        canModifyLayer = false,
        canScaleSymbols = false,
        hasLabels = false,
        capabilities = "Map",
        supportsStatistics = false,
        supportsAdvancedQueries = false,
    };

    /// <summary>Point layers are drawn from about 1:36,000 (level 14/15) in, as the renderer does.</summary>
    private static double MinScale(SampleLayer layer) => layer.IsPoint ? 36111.909643 : 0;

    private static object Renderer(SampleLayer layer) => layer.Id switch
    {
        0 => SimpleRenderer(new { type = "esriSMS", style = "esriSMSCircle", color = new[] { 215, 38, 30, 255 }, size = 8, angle = 0, xoffset = 0, yoffset = 0, outline = new { color = new[] { 255, 255, 255, 255 }, width = 1 } }),
        1 => SimpleRenderer(new { type = "esriSMS", style = "esriSMSSquare", color = new[] { 30, 140, 58, 255 }, size = 6, angle = 0, xoffset = 0, yoffset = 0, outline = new { color = new[] { 255, 255, 255, 255 }, width = 1 } }),
        2 => SimpleRenderer(new { type = "esriSLS", style = "esriSLSSolid", color = new[] { 47, 127, 216, 255 }, width = 2 }),
        _ => SimpleRenderer(new { type = "esriSFS", style = "esriSFSSolid", color = new[] { 142, 201, 232, 140 }, outline = new { type = "esriSLS", style = "esriSLSSolid", color = new[] { 85, 120, 139, 255 }, width = 1 } }),
    };

    private static object Field(FieldDef field) => new
    {
        name = field.Name,
        type = field.EsriType,
        alias = field.Alias,
        length = field.Length > 0 ? field.Length : (int?)null,
        domain = field.Domain is null ? null : new
        {
            type = "codedValue",
            name = field.Domain.Name,
            codedValues = field.Domain.CodedValues.Select(v => new { name = v.Name, code = v.Code }).ToArray(),
        },
    };

    private static object SimpleRenderer(object symbol) => new { type = "simple", symbol, label = string.Empty, description = string.Empty };
}
