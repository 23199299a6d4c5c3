using System.Globalization;
using System.IO.Compression;
using OfflinePortal.SamplePortal.Data;
using SkiaSharp;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>Renders (and caches) the tiles of the three tiled sample services.</summary>
internal sealed class SampleTileRenderer(ISampleFeatureReader reader, SampleTileCache cache, SampleDataVersion dataVersion)
{
    /// <summary>Point layers join the vector tiles from this level, where they can be told apart.</summary>
    public const int VectorPointMinLevel = 14;

    private readonly SampleMapRenderer _map = new(reader);
    private readonly Lazy<TileBlob> _backgroundTile = new(() => new TileBlob(EncodePlain(SampleMapRenderer.Background, TileScheme.Raster.TileSize)));

    /// <summary>A tile of <paramref name="kind"/>, from the cache or rendered into it.</summary>
    public async Task<TileBlob> GetTileAsync(TileKind kind, TileAddress tile, CancellationToken cancellationToken)
    {
        // Hillshade does not depend on the data; the others are keyed by the data version so edits show.
        var version = kind == TileKind.Hillshade ? 0 : await dataVersion.CurrentAsync(cancellationToken);
        return await cache.GetOrRenderAsync(
            string.Create(CultureInfo.InvariantCulture, $"{version}/{kind}/{tile.Level}/{tile.Row}/{tile.Col}"),
            ct => RenderAsync(kind, tile, ct),
            cancellationToken);
    }

    /// <summary>Renders a tile without touching the cache (bulk exports would only churn it).</summary>
    public Task<TileBlob> RenderAsync(TileKind kind, TileAddress tile, CancellationToken cancellationToken) => kind switch
    {
        TileKind.Basemap => BasemapTileAsync(tile, cancellationToken),
        TileKind.Hillshade => Task.FromResult(HillshadeTile(tile)),
        _ => VectorTileAsync(tile, cancellationToken),
    };

    private async Task<TileBlob> BasemapTileAsync(TileAddress tile, CancellationToken ct)
    {
        var size = TileScheme.Raster.TileSize;
        var projection = new PixelProjection(TileScheme.Raster.TileEnvelope(tile), SampleSpatialReference.WebMercator, size, size);
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SampleMapRenderer.Background);
        var drawn = await _map.DrawAsync(canvas, projection, _ => true, 1.0, ct);
        return drawn ? new TileBlob(Encode(bitmap, SKEncodedImageFormat.Png)) : _backgroundTile.Value;
    }

    private static TileBlob HillshadeTile(TileAddress tile)
    {
        var size = TileScheme.Raster.TileSize;
        using var bitmap = HillshadeRenderer.Render(TileScheme.Raster.TileEnvelope(tile), size, size);
        return new TileBlob(Encode(bitmap, SKEncodedImageFormat.Png));
    }

    private async Task<TileBlob> VectorTileAsync(TileAddress tile, CancellationToken ct)
    {
        var extent = TileScheme.Vector.TileEnvelope(tile);
        var builder = new MvtTileBuilder(extent);
        var query = new NetTopologySuite.Geometries.Envelope(extent);
        query.ExpandBy(extent.Width * MvtTileBuilder.DefaultBuffer / MvtTileBuilder.DefaultExtent);
        foreach (var layer in SampleLayers.DrawingOrder)
        {
            if (layer.IsPoint && tile.Level < VectorPointMinLevel)
            {
                continue;
            }
            builder.StartLayer(layer.VectorLayerName);
            await foreach (var feature in reader.ReadAsync(layer.SourceService, layer.Source.Id, query, ct))
            {
                builder.AddFeature((ulong)feature.ObjectId, feature.Geometry, feature.Attributes);
            }
        }
        var bytes = builder.ToArray();
        return new TileBlob(bytes, Gzip(bytes));
    }

    /// <summary>PNG with a light zlib level (tiles are small; the default level costs more time than it saves bytes), or JPEG.</summary>
    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = (format == SKEncodedImageFormat.Png
                ? pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub | SKPngEncoderFilterFlags.Up, 3))
                : pixmap.Encode(format, quality))
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
}
