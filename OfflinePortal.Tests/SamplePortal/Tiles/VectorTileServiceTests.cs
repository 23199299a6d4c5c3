using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.SamplePortal.Tiles;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>BasemapVector/VectorTileServer over real HTTP: root, gzip MVT tiles checked against the store, style.</summary>
public sealed class VectorTileServiceTests(SampleTileHostFixture fixture) : IClassFixture<SampleTileHostFixture>
{
    private SampleTileHost Host => fixture.Host;

    private string Service => $"{Host.ServicesUrl}/BasemapVector/VectorTileServer";

    [Fact]
    public async Task Root_HasTheShapeOfTheDocumentedExample()
    {
        var root = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}?f=json");
        using var expected = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("doc-example-vectortileserver-root.json")));
        Assert.Empty(ShapeDifferences.Of(expected.RootElement, root));
        Assert.Equal(["tile/{z}/{y}/{x}.pbf"], root.GetProperty("tiles").EnumerateArray().Select(e => e.GetString()));
        var tileInfo = root.GetProperty("tileInfo");
        Assert.Equal((512, 512, "pbf"), (tileInfo.GetProperty("rows").GetInt32(), tileInfo.GetProperty("cols").GetInt32(), tileInfo.GetProperty("format").GetString()));
        var expectedLods = expected.RootElement.GetProperty("tileInfo").GetProperty("lods").EnumerateArray().Select(l => l.GetProperty("resolution").GetDouble());
        Assert.Equal(expectedLods, tileInfo.GetProperty("lods").EnumerateArray().Select(l => l.GetProperty("resolution").GetDouble()));
        Assert.True(root.GetProperty("exportTilesAllowed").GetBoolean());
        Assert.Equal("resources/styles", root.GetProperty("defaultStyles").GetString());
        Assert.Equal("gzip", root.GetProperty("resourceInfo").GetProperty("tileCompression").GetString());
    }

    [Fact]
    public async Task Tile_BusyArea_IsGzippedMvtWithEveryLayerAndTheStoreFeatures()
    {
        var tile = TiledMapServiceTests.BusyTile(16);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Service}/tile/{tile.Level}/{tile.Row}/{tile.Col}.pbf");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x1f, 0x8b], compressed[..2]);
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        await gzip.CopyToAsync(raw);

        var layers = MvtDecoder.Decode(raw.ToArray()).ToDictionary(l => l.Name);
        Assert.Equal(["hydrants", "pressure_zones", "valves", "water_mains"], layers.Keys.Order());
        foreach (var layer in layers.Values)
        {
            Assert.Equal((2u, 4096u), (layer.Version, layer.Extent));
            Assert.NotEmpty(layer.Features);
            Assert.All(layer.Features.SelectMany(f => f.Parts).SelectMany(p => p), p =>
            {
                Assert.InRange(p.X, -64, 4096 + 64);
                Assert.InRange(p.Y, -64, 4096 + 64);
            });
        }
        Assert.All(layers["hydrants"].Features, f => Assert.Equal(1, f.Type));
        Assert.All(layers["water_mains"].Features, f => Assert.Equal(2, f.Type));
        Assert.All(layers["pressure_zones"].Features, f => Assert.Equal(3, f.Type));
        Assert.All(layers["water_mains"].Features, f => Assert.IsType<long>(f.Attributes["DIAMETER"]));

        // The hydrants in the tile are exactly the store's hydrants inside the buffered tile.
        var extent = TileScheme.Vector.TileEnvelope(tile);
        var buffered = new NetTopologySuite.Geometries.Envelope(extent);
        buffered.ExpandBy(extent.Width * 64 / 4096);
        var expected = new List<long>();
        await foreach (var feature in Host.Reader.ReadAsync("WaterNetwork", 0, buffered, CancellationToken.None))
        {
            var c = feature.Geometry.Coordinate;
            var x = Math.Round((c.X - extent.MinX) / extent.Width * 4096);
            var y = Math.Round((extent.MaxY - c.Y) / extent.Height * 4096);
            if (x is >= -64 and <= 4160 && y is >= -64 and <= 4160)
            {
                expected.Add(feature.ObjectId);
            }
        }
        Assert.Equal(expected.Order(), layers["hydrants"].Features.Select(f => (long)f.Id).Order());
    }

    [Fact]
    public async Task Tile_WithoutAcceptEncoding_IsPlainProtobuf()
    {
        var tile = TiledMapServiceTests.BusyTile(15);
        using var response = await Host.Client.GetAsync($"{Service}/tile/{tile.Level}/{tile.Row}/{tile.Col}.pbf");
        Assert.Empty(response.Content.Headers.ContentEncoding);
        var layers = MvtDecoder.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains(layers, l => l.Name == "water_mains");
    }

    [Fact]
    public async Task Tile_FarFromTheData_IsAnEmptyValidTile()
    {
        using var response = await Host.Client.GetAsync($"{Service}/tile/16/20000/20000.pbf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(MvtDecoder.Decode(await response.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("20/0/0.pbf")]
    [InlineData("2/4/0.pbf")]
    [InlineData("2/0/a.pbf")]
    public async Task Tile_OutOfRange_Is404(string address)
    {
        using var response = await Host.Client.GetAsync($"{Service}/tile/{address}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Style_IsMapboxV8_PointingAtTheServiceAndStylingEverySourceLayer()
    {
        var style = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}/resources/styles/root.json");
        Assert.Equal(8, style.GetProperty("version").GetInt32());
        var source = style.GetProperty("sources").GetProperty("esri");
        Assert.Equal(("vector", "../../"), (source.GetProperty("type").GetString(), source.GetProperty("url").GetString()));
        // "../../" against …/VectorTileServer/resources/styles/root.json is the service itself.
        Assert.Equal(new Uri(Service + "/"), new Uri(new Uri($"{Service}/resources/styles/root.json"), "../../"));
        var sourceLayers = style.GetProperty("layers").EnumerateArray()
            .Where(l => l.TryGetProperty("source-layer", out _))
            .Select(l => l.GetProperty("source-layer").GetString())
            .Order();
        Assert.Equal(["hydrants", "pressure_zones", "valves", "water_mains"], sourceLayers);
        var defaultStyle = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}/resources/styles?f=json");
        Assert.Equal(8, defaultStyle.GetProperty("version").GetInt32());
    }
}
