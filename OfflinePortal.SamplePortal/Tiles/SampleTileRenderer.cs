using System.Globalization;
using System.IO.Compression;
using OfflinePortal.SamplePortal.Data;
using SkiaSharp;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>Renders (and caches) the tiles of the three tiled sample services.</summary>
internal sealed class SampleTileRenderer(ISampleFeatureReader reader, SampleTileCache cache)
{
    /// <summary>Point layers join the vector tiles from this level, where they can be told apart.</summary>
    public const int VectorPointMinLevel = 12;

    private readonly SampleMapRenderer _map = new(reader);
    private readonly Lazy<TileBlob> _backgroundTile = new(() => new TileBlob(EncodePlain(SampleMapRenderer.Background, TileScheme.Raster.TileSize)));

    public Task<TileBlob> BasemapTileAsync(TileAddress tile, CancellationToken cancellationToken) =>
        cache.GetOrRenderAsync(Key("basemap", tile), async ct =>
        {
            var size = TileScheme.Raster.TileSize;
            var projection = new PixelProjection(TileScheme.Raster.TileEnvelope(tile), SampleSpatialReference.WebMercator, size, size);
            using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
            using var canvas = new SKCanvas(bitmap);
            canvas.Clear(SampleMapRenderer.Background);
            var drawn = await _map.DrawAsync(canvas, projection, _ => true, ct);
            return drawn ? new TileBlob(Encode(bitmap, SKEncodedImageFormat.Png)) : _backgroundTile.Value;
        }, cancellationToken);

    public Task<TileBlob> HillshadeTileAsync(TileAddress tile, CancellationToken cancellationToken) =>
        cache.GetOrRenderAsync(Key("hillshade", tile), _ =>
        {
            var size = TileScheme.Raster.TileSize;
            using var bitmap = HillshadeRenderer.Render(TileScheme.Raster.TileEnvelope(tile), size, size);
            return Task.FromResult(new TileBlob(Encode(bitmap, SKEncodedImageFormat.Png)));
        }, cancellationToken);

    public Task<TileBlob> VectorTileAsync(TileAddress tile, CancellationToken cancellationToken) =>
        cache.GetOrRenderAsync(Key("vector", tile), async ct =>
        {
            var extent = TileScheme.Vector.TileEnvelope(tile);
            var builder = new MvtTileBuilder(extent);
            var query = new NetTopologySuite.Geometries.Envelope(extent);
            query.ExpandBy(extent.Width * MvtTileBuilder.DefaultBuffer / MvtTileBuilder.DefaultExtent);
            foreach (var layer in SampleLayers.DrawingOrder)
            {
                if (layer.GeometryType == "esriGeometryPoint" && tile.Level < VectorPointMinLevel)
                {
                    continue;
                }
                builder.StartLayer(layer.VectorLayerName);
                await foreach (var feature in reader.ReadAsync(SampleLayers.FeatureServiceName, layer.Id, query, ct))
                {
                    builder.AddFeature((ulong)feature.ObjectId, feature.Geometry, feature.Attributes);
                }
            }
            var bytes = builder.ToArray();
            return new TileBlob(bytes, Gzip(bytes));
        }, cancellationToken);

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width}x{bitmap.Height} {format} image.");
        return data.ToArray();
    }

    private static byte[] EncodePlain(SKColor color, int size)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(color);
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }

    private static string Key(string service, TileAddress tile) =>
        string.Create(CultureInfo.InvariantCulture, $"{service}/{tile.Level}/{tile.Row}/{tile.Col}");
}
