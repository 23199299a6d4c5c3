using System.Net;
using System.Text.Json;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Tiles;
using OfflinePortal.Tests.Infrastructure;
using SkiaSharp;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>The tiled map services (Basemap, Hillshade) over real HTTP against the generated sample data.</summary>
public sealed class TiledMapServiceTests(SampleTileHostFixture fixture) : IClassFixture<SampleTileHostFixture>
{
    private SampleTileHost Host => fixture.Host;

    internal static TileAddress BusyTile(int level)
    {
        var centre = SampleLayers.AreaWebMercator.Centre;
        var span = TileScheme.Raster.TileSpan(level);
        return new TileAddress(level, (long)((TileScheme.OriginY - centre.Y) / span), (long)((centre.X - TileScheme.OriginX) / span));
    }

    internal static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private static JsonElement Fixture(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(name)));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Root_Basemap_HasTheShapeOfTheWorldStreetMapCapture()
    {
        var root = await GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/Basemap/MapServer?f=json");
        Assert.Empty(ShapeDifferences.Of(Fixture("mapserver-tiled-world-street-map-10.01.json"), root));
        // Fields the older capture lacks but the arcrestgo template (and SPEC §5.1) has.
        var ignore = new HashSet<string> { "$.id", "$.name", "$.server", "$.created", "$.modified", "$.status", "$.access", "$.type", "$.tileInfo.storageFormat", "$.tileInfo.packetSize", "$.tileInfo.antialiasing" };
        Assert.Empty(ShapeDifferences.Of(Fixture("mapserver-dynamic-template-arcrestgo.json"), root, ignore));

        Assert.True(root.GetProperty("singleFusedMapCache").GetBoolean());
        Assert.True(root.GetProperty("exportTilesAllowed").GetBoolean());
        Assert.Equal(5000, root.GetProperty("maxExportTilesCount").GetInt32());
        Assert.Equal("Map,Tilemap", root.GetProperty("capabilities").GetString());
        Assert.Equal(3857, root.GetProperty("spatialReference").GetProperty("latestWkid").GetInt32());
        var tileInfo = root.GetProperty("tileInfo");
        Assert.Equal((256, 256, "PNG"), (tileInfo.GetProperty("rows").GetInt32(), tileInfo.GetProperty("cols").GetInt32(), tileInfo.GetProperty("format").GetString()));
        Assert.Equal(-20037508.342787, tileInfo.GetProperty("origin").GetProperty("x").GetDouble());
        Assert.Equal(20037508.342787, tileInfo.GetProperty("origin").GetProperty("y").GetDouble());
        // The standard LODs, as ArcGIS publishes them (the arcrestgo capture lists 0-19).
        var expected = Fixture("mapserver-dynamic-template-arcrestgo.json").GetProperty("tileInfo").GetProperty("lods").EnumerateArray().ToList();
        var lods = tileInfo.GetProperty("lods").EnumerateArray().ToList();
        Assert.Equal(20, lods.Count);
        for (var i = 0; i < lods.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("level").GetInt32(), lods[i].GetProperty("level").GetInt32());
            Assert.Equal(expected[i].GetProperty("resolution").GetDouble(), lods[i].GetProperty("resolution").GetDouble());
            Assert.Equal(expected[i].GetProperty("scale").GetDouble(), lods[i].GetProperty("scale").GetDouble());
        }
        var full = root.GetProperty("fullExtent");
        Assert.InRange(full.GetProperty("xmin").GetDouble(), -13664000, -13663000);
        Assert.InRange(full.GetProperty("ymax").GetDouble(), 5193000, 5195000);
        Assert.Equal(lods[0].GetProperty("scale").GetDouble(), root.GetProperty("minScale").GetDouble());
        Assert.Equal(lods[19].GetProperty("scale").GetDouble(), root.GetProperty("maxScale").GetDouble());
        Assert.Equal("esriMapCacheStorageModeCompactV2", root.GetProperty("storageInfo").GetProperty("storageFormat").GetString());
    }

    [Fact]
    public async Task Root_ParametersAreCaseInsensitive_AndPjsonIsIndented()
    {
        var text = await Host.Client.GetStringAsync($"{Host.ServicesUrl}/Hillshade/MapServer?F=PJSON");
        Assert.Contains("\n", text);
        using var document = JsonDocument.Parse(text);
        Assert.False(document.RootElement.GetProperty("exportTilesAllowed").GetBoolean());
    }

    [Fact]
    public async Task Root_UnsupportedFormat_AnswersTheErrorEnvelope()
    {
        var error = await GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/Basemap/MapServer?f=kmz");
        Assert.Equal(400, error.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Tile_WhereDataIs_IsA256PngThatShowsTheNetwork()
    {
        var tile = BusyTile(16);
        using var response = await Host.Client.GetAsync($"{Host.ServicesUrl}/Basemap/MapServer/tile/{tile.Level}/{tile.Row}/{tile.Col}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((256, 256), (bitmap.Width, bitmap.Height));
        var background = new SKColor(0xF2, 0xEF, 0xE9);
        var drawn = bitmap.Pixels.Count(p => p != background);
        Assert.True(drawn > 256 * 256 / 20, $"only {drawn} pixels differ from the background");
        Assert.Contains(bitmap.Pixels, p => p.Red > 180 && p.Green < 80 && p.Blue < 80); // a hydrant
    }

    [Fact]
    public async Task Tile_FarFromTheData_IsThePlainBackground()
    {
        using var response = await Host.Client.GetAsync($"{Host.ServicesUrl}/Basemap/MapServer/tile/16/20000/20000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((256, 256), (bitmap.Width, bitmap.Height));
        Assert.All(bitmap.Pixels.Distinct(), p => Assert.Equal(new SKColor(0xF2, 0xEF, 0xE9), p));
    }

    [Fact]
    public async Task Tile_Hillshade_IsShadedRelief()
    {
        var tile = BusyTile(14);
        var bytes = await Host.Client.GetByteArrayAsync($"{Host.ServicesUrl}/Hillshade/MapServer/tile/{tile.Level}/{tile.Row}/{tile.Col}");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((256, 256), (bitmap.Width, bitmap.Height));
        Assert.True(bitmap.Pixels.Distinct().Count() > 50, "a relief has many shades");
    }

    [Theory]
    [InlineData("20/0/0")]
    [InlineData("-1/0/0")]
    [InlineData("3/8/0")]
    [InlineData("3/0/8")]
    [InlineData("x/0/0")]
    [InlineData("3/1.5/0")]
    public async Task Tile_OutOfRangeOrMalformed_Is404(string address)
    {
        using var response = await Host.Client.GetAsync($"{Host.ServicesUrl}/Basemap/MapServer/tile/{address}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var json = await GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/Basemap/MapServer/tile/{address}?f=json");
        Assert.Equal(404, json.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Tile_SecondRequestWithETag_IsNotModified()
    {
        var url = $"{Host.ServicesUrl}/Basemap/MapServer/tile/15/{BusyTile(15).Row}/{BusyTile(15).Col}";
        using var first = await Host.Client.GetAsync(url);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(first.Headers.CacheControl?.Public);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Tiles_RequestedConcurrently_AreEachCorrect()
    {
        // 8 x 4 tiles around the centre at level 17, each asked for 3 times at once (cold cache).
        var centre = BusyTile(17);
        var addresses = Enumerable.Range(0, 32).Select(i => new TileAddress(17, centre.Row - 2 + (i / 8), centre.Col - 4 + (i % 8))).ToList();
        var requests = addresses.SelectMany(a => Enumerable.Repeat(a, 3))
            .Select(async a => (Address: a, Bytes: await Host.Client.GetByteArrayAsync($"{Host.ServicesUrl}/Basemap/MapServer/tile/{a.Level}/{a.Row}/{a.Col}")))
            .ToList();
        var results = await Task.WhenAll(requests);
        foreach (var group in results.GroupBy(r => r.Address))
        {
            var copies = group.Select(g => Convert.ToHexString(g.Bytes)).Distinct().ToList();
            Assert.Single(copies);
            using var bitmap = SKBitmap.Decode(group.First().Bytes);
            Assert.Equal(256, bitmap.Width);
        }
        Assert.True(results.Select(r => Convert.ToHexString(r.Bytes)).Distinct().Count() > 16, "different places give different tiles");
    }

    [Fact]
    public async Task TileMap_MarksEveryTileInsideTheGrid()
    {
        var json = await GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/Basemap/MapServer/tilemap/2/2/3/2/2?f=json");
        Assert.Equal(3, json.GetProperty("location").GetProperty("left").GetInt32());
        Assert.Equal([1, 0, 1, 0], json.GetProperty("data").EnumerateArray().Select(e => e.GetInt32()));
    }
}
