using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Data;
using SkiaSharp;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// Draws the sample water network with SkiaSharp: pressure zones filled, mains as lines whose width follows the
/// diameter, valves and hydrants as dots once the map is close enough to tell them apart. Features are streamed
/// from the reader and drawn as they arrive, never collected.
/// </summary>
internal sealed class SampleMapRenderer(ISampleFeatureReader reader)
{
    public static readonly SKColor Background = new(0xF2, 0xEF, 0xE9);

    /// <summary>Point symbols appear from level 15 (about 4.8 m per pixel) down.</summary>
    private const double PointSymbolMaxMetersPerPixel = 5.0;

    private const double SymbolMarginPixels = 8;

    private static readonly SKColor[] ZonePalette =
    [
        new(0x8E, 0xC9, 0xE8), new(0xB5, 0xDE, 0x9C), new(0xF6, 0xD3, 0x8A), new(0xD9, 0xB8, 0xE8), new(0xF4, 0xAE, 0xA3), new(0xA8, 0xE0, 0xD1),
    ];

    /// <summary>Draws the visible layers onto <paramref name="canvas"/>; true when at least one feature was drawn.</summary>
    public async Task<bool> DrawAsync(SKCanvas canvas, PixelProjection projection, Func<int, bool> isLayerVisible, double symbolScale, CancellationToken cancellationToken)
    {
        var drawn = false;
        var query = projection.QueryExtent(SymbolMarginPixels);
        // Symbols grow gently with the zoom (level 16 is the reference) and with the dpi of an export.
        var zoom = Math.Clamp(Math.Sqrt(2.38865713397468 / projection.MetersPerPixel), 0.3, 2.0) * symbolScale;
        foreach (var layer in SampleLayers.DrawingOrder)
        {
            if (!isLayerVisible(layer.Id))
            {
                continue;
            }
            if (layer.IsPoint && projection.MetersPerPixel > PointSymbolMaxMetersPerPixel * symbolScale)
            {
                continue;
            }
            using var style = LayerStyle.For(layer, zoom);
            await foreach (var feature in reader.ReadAsync(layer.SourceService, layer.Source.Id, query, cancellationToken))
            {
                drawn |= style.Draw(canvas, projection, feature);
            }
        }
        return drawn;
    }

    /// <summary>Paints for one layer, made per render (SKPaint is mutable, so it is not shared across requests).</summary>
    private sealed class LayerStyle : IDisposable
    {
        private readonly SampleLayer _layer;
        private readonly double _zoom;
        private readonly SKPaint _fill = new() { IsAntialias = true, Style = SKPaintStyle.Fill };
        private readonly SKPaint _stroke = new() { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round };

        private LayerStyle(SampleLayer layer, double zoom)
        {
            _layer = layer;
            _zoom = zoom;
        }

        public static LayerStyle For(SampleLayer layer, double zoom) => new(layer, zoom);

        public bool Draw(SKCanvas canvas, PixelProjection projection, SampleFeature feature)
        {
            switch (_layer.Id)
            {
                case 3:
                    using (var path = AreaPath(feature.Geometry, projection))
                    {
                        if (path.IsEmpty)
                        {
                            return false;
                        }
                        var color = ZonePalette[(int)(feature.ObjectId % ZonePalette.Length + ZonePalette.Length) % ZonePalette.Length];
                        _fill.Color = color.WithAlpha(0x8C);
                        canvas.DrawPath(path, _fill);
                        _stroke.Color = new SKColor((byte)(color.Red * 0.6), (byte)(color.Green * 0.6), (byte)(color.Blue * 0.6));
                        _stroke.StrokeWidth = (float)(1.5 * Math.Max(1, _zoom));
                        canvas.DrawPath(path, _stroke);
                        return true;
                    }
                case 2:
                    using (var path = LinePath(feature.Geometry, projection))
                    {
                        if (path.IsEmpty)
                        {
                            return false;
                        }
                        var diameter = SampleLayers.DiameterOf(feature);
                        _stroke.Color = diameter >= 12 ? new SKColor(0x1F, 0x4E, 0xA8) : new SKColor(0x2F, 0x7F, 0xD8);
                        _stroke.StrokeWidth = (float)Math.Max(0.6, (1 + (diameter / 5.0)) * _zoom);
                        canvas.DrawPath(path, _stroke);
                        return true;
                    }
                default:
                    var isHydrant = _layer.Id == SampleLayers.Hydrants.Id;
                    var radius = (float)((isHydrant ? 4.0 : 3.0) * Math.Clamp(_zoom, 0.8, 3.0));
                    var any = false;
                    foreach (var point in Points(feature.Geometry))
                    {
                        var p = projection.Project(point.X, point.Y);
                        _fill.Color = isHydrant ? new SKColor(0xD7, 0x26, 0x1E) : new SKColor(0x1E, 0x8C, 0x3A);
                        _stroke.Color = SKColors.White;
                        _stroke.StrokeWidth = 1.2f;
                        if (isHydrant)
                        {
                            canvas.DrawCircle(p, radius, _fill);
                            canvas.DrawCircle(p, radius, _stroke);
                        }
                        else
                        {
                            var square = new SKRect(p.X - radius, p.Y - radius, p.X + radius, p.Y + radius);
                            canvas.DrawRect(square, _fill);
                            canvas.DrawRect(square, _stroke);
                        }
                        any = true;
                    }
                    return any;
            }
        }

        public void Dispose()
        {
            _fill.Dispose();
            _stroke.Dispose();
        }
    }

    private static SKPath AreaPath(Geometry geometry, PixelProjection projection)
    {
        using var path = new SKPathBuilder { FillType = SKPathFillType.EvenOdd };
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon polygon)
            {
                AddRing(path, polygon.ExteriorRing.CoordinateSequence, projection, close: true);
                foreach (var hole in polygon.InteriorRings)
                {
                    AddRing(path, hole.CoordinateSequence, projection, close: true);
                }
            }
        }
        return path.Detach();
    }

    private static SKPath LinePath(Geometry geometry, PixelProjection projection)
    {
        using var path = new SKPathBuilder();
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is LineString line)
            {
                AddRing(path, line.CoordinateSequence, projection, close: false);
            }
        }
        return path.Detach();
    }

    private static void AddRing(SKPathBuilder path, CoordinateSequence sequence, PixelProjection projection, bool close)
    {
        if (sequence.Count < 2)
        {
            return;
        }
        path.MoveTo(projection.Project(sequence.GetX(0), sequence.GetY(0)));
        for (var i = 1; i < sequence.Count; i++)
        {
            path.LineTo(projection.Project(sequence.GetX(i), sequence.GetY(i)));
        }
        if (close)
        {
            path.Close();
        }
    }

    private static IEnumerable<Coordinate> Points(Geometry geometry)
    {
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Point { IsEmpty: false } point)
            {
                yield return point.Coordinate;
            }
        }
    }
}
