using System.Globalization;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Data;
using SkiaSharp;

using OfflinePortal.SamplePortal.Http;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>The parameters of a dynamic map <c>export</c>, read and checked.</summary>
internal sealed record DynamicExportRequest(
    Envelope Extent,
    SampleSpatialReference ImageSr,
    int Width,
    int Height,
    int Dpi,
    SKEncodedImageFormat Format,
    bool Transparent,
    IReadOnlySet<int> VisibleLayers)
{
    public string ContentType => Format == SKEncodedImageFormat.Jpeg ? "image/jpeg" : "image/png";

    public string Extension => Format == SKEncodedImageFormat.Jpeg ? "jpg" : "png";
}

/// <summary>
/// The dynamic map service's <c>export</c>: bbox/bboxSR, size, dpi, imageSR (4326 or 3857), format, transparent and
/// layers (show/hide/include/exclude). The extent is widened to the image's aspect ratio, as ArcGIS does.
/// </summary>
internal sealed class DynamicExport(ISampleFeatureReader reader)
{
    public const int MaxImageSize = 4096;

    private static readonly SKColor MapBackground = SKColors.White;

    private readonly SampleMapRenderer _renderer = new(reader);

    public static DynamicExportRequest Parse(ArcGisRequest request)
    {
        var bboxText = request.Get("bbox") ?? throw new ArcGisException(400, "'bbox' is required.", "Give xmin,ymin,xmax,ymax.");
        var bboxSr = EsriGeometryInput.ParseSpatialReference(request.Get("bboxSR"), SampleSpatialReference.WebMercator, "bboxSR");
        var imageSr = EsriGeometryInput.ParseSpatialReference(request.Get("imageSR"), SampleSpatialReference.WebMercator, "imageSR");
        var mercator = EsriGeometryInput.ParseExtent(bboxText, bboxSr, "bbox");
        if (mercator.Width <= 0 || mercator.Height <= 0)
        {
            throw new ArcGisException(400, "'bbox' must have a width and a height.");
        }
        var (width, height) = ParseSize(request.Get("size")?.Trim());
        var dpi = 96;
        if (request.Get("dpi") is { } dpiText && (!int.TryParse(dpiText.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out dpi) || dpi < 1 || dpi > 1200))
        {
            throw new ArcGisException(400, "'dpi' must be a whole number from 1 to 1200.", $"Invalid value '{dpiText}'.");
        }
        var format = (request.Get("format") ?? "png").Trim().ToLowerInvariant() switch
        {
            "png" or "png8" or "png24" or "png32" => SKEncodedImageFormat.Png,
            "jpg" or "jpeg" => SKEncodedImageFormat.Jpeg,
            var other => throw new ArcGisException(400, $"Image format '{other}' is not supported.", "Use png, png8, png24, png32 or jpg."),
        };
        var transparent = request.GetBool("transparent", false);
        var extent = imageSr == SampleSpatialReference.WebMercator ? mercator : WebMercator.Project(mercator, WebMercator.LatestWkid, WebMercator.Wgs84);
        return new DynamicExportRequest(FitAspect(extent, width, height), imageSr, width, height, dpi, format, transparent, ParseLayers(request.Get("layers")?.Trim()));
    }

    public async Task<byte[]> RenderAsync(DynamicExportRequest export, CancellationToken cancellationToken)
    {
        var projection = new PixelProjection(export.Extent, export.ImageSr, export.Width, export.Height);
        var transparent = export.Transparent && export.Format == SKEncodedImageFormat.Png;
        using var bitmap = new SKBitmap(new SKImageInfo(export.Width, export.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(transparent ? SKColors.Transparent : MapBackground);
        await _renderer.DrawAsync(canvas, projection, export.VisibleLayers.Contains, export.Dpi / 96.0, cancellationToken);
        return SampleTileRenderer.Encode(bitmap, export.Format);
    }

    /// <summary>The map scale of an export, as ArcGIS reports it with <c>f=json</c>.</summary>
    public static double Scale(DynamicExportRequest export)
    {
        var unitsPerPixel = export.Extent.Width / export.Width;
        var metersPerUnit = export.ImageSr == SampleSpatialReference.Geographic ? Math.PI * WebMercator.Radius / 180.0 : 1.0;
        return unitsPerPixel * metersPerUnit * export.Dpi / 0.0254;
    }

    private static (int Width, int Height) ParseSize(string? text)
    {
        if (text is null)
        {
            return (400, 400);
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var height)
            && width is > 0 and <= MaxImageSize && height is > 0 and <= MaxImageSize)
        {
            return (width, height);
        }
        throw new ArcGisException(400, 
            string.Create(CultureInfo.InvariantCulture, $"'size' must be width,height with each from 1 to {MaxImageSize}."),
            $"Invalid value '{text}'.");
    }

    /// <summary><c>show:0,2</c>, <c>hide:1</c>, <c>include:3</c>, <c>exclude:0</c>; absent means every layer.</summary>
    private static HashSet<int> ParseLayers(string? text)
    {
        var all = SampleLayers.All.Select(l => l.Id).ToHashSet();
        if (text is null)
        {
            return all;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new ArcGisException(400, "'layers' must be show:, hide:, include: or exclude: followed by layer ids.", $"Invalid value '{text}'.");
        }
        var mode = text[..colon].Trim().ToLowerInvariant();
        var ids = new HashSet<int>();
        foreach (var part in text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) || !all.Contains(id))
            {
                throw new ArcGisException(400, $"'layers' names a layer that does not exist: '{part}'.", "Layer ids are 0 to 3.");
            }
            ids.Add(id);
        }
        return mode switch
        {
            "show" => ids,
            "include" => all, // every layer is visible by default already
            "hide" or "exclude" => [.. all.Except(ids)],
            _ => throw new ArcGisException(400, $"'layers' mode '{mode}' is not supported.", "Use show, hide, include or exclude."),
        };
    }

    /// <summary>Widens the extent around its centre so that it has the aspect ratio of the image.</summary>
    private static Envelope FitAspect(Envelope extent, int width, int height)
    {
        var imageAspect = (double)width / height;
        var extentAspect = extent.Width / extent.Height;
        var centre = extent.Centre;
        if (extentAspect < imageAspect)
        {
            var half = extent.Height * imageAspect / 2;
            return new Envelope(centre.X - half, centre.X + half, extent.MinY, extent.MaxY);
        }
        var halfHeight = extent.Width / imageAspect / 2;
        return new Envelope(extent.MinX, extent.MaxX, centre.Y - halfHeight, centre.Y + halfHeight);
    }
}
