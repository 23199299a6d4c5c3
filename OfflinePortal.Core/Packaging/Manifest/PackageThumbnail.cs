using OfflinePortal.Core.ArcGis.Model;
using SkiaSharp;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Writes <c>thumbnail.png</c>: the supplied image bytes (the web map's own thumbnail) when there are any, otherwise
/// a simple picture of the area of interest (its outline, filled lightly, on a plain background), 600×400 as ArcGIS
/// recommends for item thumbnails.
/// </summary>
public static class PackageThumbnail
{
    public const string FileName = "thumbnail.png";
    public const int Width = 600;
    public const int Height = 400;

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte>? supplied, EsriGeometry? area, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = supplied is { IsEmpty: false } given ? given : Render(area);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await file.WriteAsync(bytes, cancellationToken);
    }

    public static byte[] Render(EsriGeometry? area)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor(0xF2, 0xEF, 0xE9));
        var rings = Rings(area);
        var extent = area is { IsEmpty: false } ? area.GetExtent() : null;
        if (rings.Count > 0 && extent is { IsEmpty: false })
        {
            const float margin = 24;
            var w = Math.Max(extent.Width, 1e-9);
            var h = Math.Max(extent.Height, 1e-9);
            var scale = Math.Min((Width - (2 * margin)) / w, (Height - (2 * margin)) / h);
            var offsetX = (Width - (w * scale)) / 2;
            var offsetY = (Height - (h * scale)) / 2;
            using var builder = new SKPathBuilder();
            foreach (var ring in rings.Where(r => r.Count > 0))
            {
                SKPoint Map(double[] c) => new((float)(offsetX + ((c[0] - extent.XMin) * scale)), (float)(offsetY + ((extent.YMax - c[1]) * scale)));
                builder.MoveTo(Map(ring[0]));
                foreach (var c in ring.Skip(1))
                {
                    builder.LineTo(Map(c));
                }
                builder.Close();
            }
            using var path = builder.Detach();
            path.FillType = SKPathFillType.EvenOdd;
            using var fill = new SKPaint { Color = new SKColor(0x00, 0x79, 0xC1, 0x40), Style = SKPaintStyle.Fill, IsAntialias = true };
            using var stroke = new SKPaint { Color = new SKColor(0x00, 0x79, 0xC1), Style = SKPaintStyle.Stroke, StrokeWidth = 4, IsAntialias = true, StrokeJoin = SKStrokeJoin.Round };
            canvas.DrawPath(path, fill);
            canvas.DrawPath(path, stroke);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static List<IReadOnlyList<double[]>> Rings(EsriGeometry? area) => area switch
    {
        EsriPolygon p when !p.IsEmpty => [.. p.Rings],
        EsriEnvelope e when !e.IsEmpty => [new[] { new[] { e.XMin, e.YMin }, [e.XMin, e.YMax], [e.XMax, e.YMax], [e.XMax, e.YMin] }],
        _ => [],
    };
}
