using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Tests.Infrastructure;
using SkiaSharp;

namespace OfflinePortal.Tests.Packaging;

public sealed class TileWriterTests : IDisposable
{
    private const double WorldOrigin = 20037508.342787;
    private const double Resolution0 = 156543.03392800014;

    private readonly string _dir = TestPaths.NewTempDirectory("tiles");

    public void Dispose() => TestPaths.DeleteQuietly(_dir);

    private static TileInfo WebMercator() => new(256, 256, -WorldOrigin, WorldOrigin,
        Enumerable.Range(0, 20).Select(z => new Lod(z, Resolution0 / Math.Pow(2, z), 591657527.591555 / Math.Pow(2, z))).ToList());

    private static readonly EsriEnvelope Town = new(1_000_000, 6_000_000, 1_200_000, 6_150_000);

    [Fact]
    public async Task WebMercatorLevels3To6_Validates_AndGdalReportsExtentSizeBands()
    {
        var path = Path.Combine(_dir, "streets.gpkg");
        var tileInfo = WebMercator();
        var written = new Dictionary<(int, int, int), byte[]>();
        await using (var writer = TileGeoPackageWriter.Create(path, new TileGeoPackageOptions { Title = "World Street Map", TileInfo = tileInfo, Levels = [3, 4, 5, 6], Bounds = Town, BatchSize = 3 }))
        {
            Assert.Equal("World_Street_Map", writer.TableName);
            var jobs = new List<Task>();
            foreach (var level in new[] { 3, 4, 5, 6 })
            {
                var lod = tileInfo.FindLevel(level)!;
                var span = tileInfo.TileSpanX(lod);
                for (var col = (int)((Town.XMin + WorldOrigin) / span); col <= (int)((Town.XMax + WorldOrigin) / span); col++)
                {
                    for (var row = (int)((WorldOrigin - Town.YMax) / span); row <= (int)((WorldOrigin - Town.YMin) / span); row++)
                    {
                        var png = Png(256, 256, (byte)(level * 40), (byte)col, (byte)row);
                        written[(level, row, col)] = png;
                        var (l, r, c) = (level, row, col);
                        jobs.Add(Task.Run(async () => await writer.WriteTileAsync(l, r, c, png)));
                    }
                }
            }
            await Task.WhenAll(jobs);
            await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteTileAsync(3, 0, 0, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await writer.WriteTileAsync(7, 0, 0, written.First().Value));
            var summary = await writer.FinishAsync();
            Assert.Equal(written.Count, summary.TileCount);
            var widths = summary.MatrixSet.Matrices.Select(m => m.MatrixWidth).ToList();
            Assert.Equal([widths[0], widths[0] * 2, widths[0] * 4, widths[0] * 8], widths);
        }

        GdalTools.AssertValidGeoPackage(path);
        using var info = GdalTools.GdalInfoJson(path);
        var root = info.RootElement;
        Assert.Equal(4, root.GetProperty("bands").GetArrayLength());
        var transform = root.GetProperty("geoTransform");
        var pixel = tileInfo.FindLevel(6)!.Resolution;
        Assert.Equal(pixel, transform[1].GetDouble(), 6);
        Assert.Equal(-pixel, transform[5].GetDouble(), 6);
        var size = root.GetProperty("size");
        var minX = transform[0].GetDouble();
        var maxY = transform[3].GetDouble();
        var maxX = minX + (size[0].GetInt32() * pixel);
        var minY = maxY - (size[1].GetInt32() * pixel);
        // GDAL snaps the contents extent to the finest level's pixel grid.
        Assert.InRange(Math.Abs(Town.XMin - minX), 0, pixel);
        Assert.InRange(Math.Abs(maxX - Town.XMax), 0, pixel);
        Assert.InRange(Math.Abs(maxY - Town.YMax), 0, pixel);
        Assert.InRange(Math.Abs(Town.YMin - minY), 0, pixel);
        Assert.Contains("3857", root.GetProperty("coordinateSystem").GetProperty("wkt").GetString(), StringComparison.Ordinal);

        // ArcGIS level/row/col are GeoPackage zoom_level/tile_row/tile_column.
        var (key, bytes) = written.First(w => w.Key.Item1 == 5);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tile_data FROM World_Street_Map WHERE zoom_level = $z AND tile_row = $r AND tile_column = $c";
        command.Parameters.AddWithValue("$z", key.Item1);
        command.Parameters.AddWithValue("$r", key.Item2);
        command.Parameters.AddWithValue("$c", key.Item3);
        Assert.Equal(bytes, (byte[])command.ExecuteScalar()!);

        // The tile layout (16 KiB pages), and the settings a device opens the finished file with.
        command.Parameters.Clear();
        command.CommandText = "PRAGMA page_size";
        Assert.Equal(16384L, (long)command.ExecuteScalar()!);
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("delete", (string)command.ExecuteScalar()!);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(131072)]
    [InlineData(12000)]
    public void Storage_PageSizeThatSqliteCannotUse_IsRefused(int pageSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GeoPackageDatabase.Create(Path.Combine(_dir, "bad.gpkg"), GeoPackageStorage.Tiles with { PageSize = pageSize }));
        Assert.Contains("power of two", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "bad.gpkg")));
    }

    [Fact]
    public void MatrixSet_WebMercator_IsAnchoredAtOriginWithPowerOfTwoMatrices()
    {
        var set = TileMatrixSet.For(WebMercator(), [3, 4, 5, 6], Town);
        Assert.Equal(-WorldOrigin, set.MinX);
        Assert.Equal(WorldOrigin, set.MaxY);
        var widths = set.Matrices.Select(m => m.MatrixWidth).ToList();
        Assert.Equal(widths[0] * 2, widths[1]);
        Assert.Equal(widths[0] * 8, widths[3]);
        foreach (var m in set.Matrices)
        {
            Assert.Equal(set.MaxX - set.MinX, m.MatrixWidth * m.TileWidth * m.PixelXSize, 6);
        }
        Assert.False(set.HasOtherZoomSteps);
    }

    [Fact]
    public async Task NonPowerOfTwoLevels_Validate()
    {
        var tileInfo = new TileInfo(512, 512, 2_400_000, 1_400_000,
            [new Lod(0, 250, 0), new Lod(1, 100, 0), new Lod(2, 50, 0), new Lod(3, 20, 0), new Lod(4, 10, 0)])
        {
            SpatialReference = new SpatialReference(2056, 2056),
        };
        var bounds = new EsriEnvelope(2_600_000, 1_190_000, 2_640_000, 1_210_000);
        var path = Path.Combine(_dir, "swiss.gpkg");
        await using (var writer = TileGeoPackageWriter.Create(path, new TileGeoPackageOptions { Title = "Swiss", TileInfo = tileInfo, Levels = [0, 1, 2, 3, 4], Bounds = bounds }))
        {
            Assert.True(writer.MatrixSet.HasOtherZoomSteps);
            foreach (var level in new[] { 0, 1, 2, 3, 4 })
            {
                var span = 512 * tileInfo.FindLevel(level)!.Resolution;
                await writer.WriteTileAsync(level, (int)((1_400_000 - 1_200_000) / span), (int)((2_620_000 - 2_400_000) / span), Png(512, 512, 10, 20, 30));
            }
            await writer.FinishAsync();
        }
        GdalTools.AssertValidGeoPackage(path);
        using var info = GdalTools.GdalInfoJson(path);
        Assert.Equal(10, info.RootElement.GetProperty("geoTransform")[1].GetDouble(), 6);
    }

    [Fact]
    public async Task MbTiles_VectorTiles_FlipRows_AndGdalListsLayers()
    {
        var path = Path.Combine(_dir, "basemap.mbtiles");
        var tile = Gzip(PointTile("points"));
        await using (var writer = MbTilesWriter.Create(path, new MbTilesOptions
        {
            Name = "Basemap",
            BoundsWgs84 = new EsriEnvelope(-180, -85, 180, 85),
            MinZoom = 0,
            MaxZoom = 2,
            VectorLayers = JsonNode.Parse("""[{"id":"points","fields":{},"minzoom":0,"maxzoom":2}]""")!.AsArray(),
        }))
        {
            await Task.WhenAll(
                writer.WriteTileAsync(0, 0, 0, tile).AsTask(),
                writer.WriteTileAsync(1, 0, 0, tile).AsTask(),
                writer.WriteTileAsync(2, 1, 0, tile).AsTask());
            var summary = await writer.FinishAsync();
            Assert.Equal(3, summary.TileCount);
        }
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT tile_row FROM tiles WHERE zoom_level = 2";
            Assert.Equal(3L, command.ExecuteScalar()); // y = 0 at zoom 2 is TMS row 3
            command.CommandText = "SELECT value FROM metadata WHERE name = 'format'";
            Assert.Equal("pbf", command.ExecuteScalar());
        }
        using var ogr = GdalTools.OgrInfoJson(path);
        var layers = ogr.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToList();
        Assert.Equal(["points"], layers);

        var stylePath = Path.Combine(_dir, "basemap.style.json");
        await MbTilesWriter.WriteStyleAsync(JsonNode.Parse("""{"version":8,"sources":{"esri":{"type":"vector","url":"../../"},"hill":{"type":"raster","url":"x"}},"layers":[]}""")!, stylePath, "basemap.mbtiles");
        using var style = JsonDocument.Parse(await File.ReadAllTextAsync(stylePath));
        Assert.Equal("mbtiles://basemap.mbtiles", style.RootElement.GetProperty("sources").GetProperty("esri").GetProperty("url").GetString());
        Assert.Equal("x", style.RootElement.GetProperty("sources").GetProperty("hill").GetProperty("url").GetString());
    }

    internal static byte[] Png(int width, int height, byte r, byte g, byte b)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(r, g, b));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A Mapbox Vector Tile with one layer holding one point at the tile's centre.</summary>
    private static byte[] PointTile(string layerName)
    {
        byte[] feature = [0x08, 0x01, 0x18, 0x01, 0x22, 0x05, 0x09, 0x80, 0x20, 0x80, 0x20];
        var name = System.Text.Encoding.UTF8.GetBytes(layerName);
        var layer = new List<byte> { 0x78, 0x02, 0x0A, (byte)name.Length };
        layer.AddRange(name);
        layer.AddRange([0x12, (byte)feature.Length]);
        layer.AddRange(feature);
        layer.AddRange([0x28, 0x80, 0x20]);
        return [0x1A, (byte)layer.Count, .. layer];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }
}
