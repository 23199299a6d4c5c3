using System.Net;
using System.Text.Json;
using OfflinePortal.SamplePortal.Tiles;
using OfflinePortal.Tests.Infrastructure;
using SkiaSharp;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>WaterNetwork/MapServer (dynamic) over real HTTP: description, layers and export.</summary>
public sealed class DynamicMapServiceTests(SampleTileHostFixture fixture) : IClassFixture<SampleTileHostFixture>
{
    private SampleTileHost Host => fixture.Host;

    private string Service => $"{Host.ServicesUrl}/WaterNetwork/MapServer";

    private static string Bbox4326 => "-122.715,42.185,-122.695,42.200";

    [Fact]
    public async Task Root_IsADynamicServiceWithTheFeatureServiceLayers()
    {
        var root = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}?f=json");
        using var expected = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("mapserver-dynamic-template-arcrestgo.json")));
        // The template's emulator-only fields, and the tiling it carries although a dynamic service has none.
        var ignore = new HashSet<string> { "$.id", "$.name", "$.server", "$.created", "$.modified", "$.status", "$.access", "$.type", "$.tileInfo" };
        Assert.Empty(ShapeDifferences.Of(expected.RootElement, root, ignore));
        Assert.False(root.GetProperty("singleFusedMapCache").GetBoolean());
        Assert.False(root.TryGetProperty("tileInfo", out _));
        Assert.Equal(
            [(0, "Hydrants"), (1, "Valves"), (2, "Mains"), (3, "PressureZones")],
            root.GetProperty("layers").EnumerateArray().Select(l => (l.GetProperty("id").GetInt32(), l.GetProperty("name").GetString()!)));
    }

    [Fact]
    public async Task Layer_HasGeometryTypeFieldsAndRenderer()
    {
        var zones = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}/3?f=json");
        Assert.Equal("esriGeometryPolygon", zones.GetProperty("geometryType").GetString());
        Assert.Contains(zones.GetProperty("fields").EnumerateArray(), f => f.GetProperty("name").GetString() == "ZONENAME");
        Assert.Equal("simple", zones.GetProperty("drawingInfo").GetProperty("renderer").GetProperty("type").GetString());
        var hydrants = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}/0?f=json");
        Assert.Equal("esriGeometryPoint", hydrants.GetProperty("geometryType").GetString());
        var missing = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}/9?f=json");
        Assert.Equal(400, missing.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Export_ImageIn4326_IsThePngOfTheRequestedSize()
    {
        using var response = await Host.Client.GetAsync($"{Service}/export?bbox={Bbox4326}&bboxSR=4326&imageSR=4326&size=400,300&format=png&f=image");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((400, 300), (bitmap.Width, bitmap.Height));
        Assert.True(bitmap.Pixels.Count(p => p != SKColors.White) > 400 * 300 / 4, "the network covers the image");
    }

    [Fact]
    public async Task Export_TransparentWithOnlyMains_LeavesTheRestClear()
    {
        var bytes = await Host.Client.GetByteArrayAsync($"{Service}/export?BBOX={Bbox4326}&BBOXSR=4326&SIZE=256,256&TRANSPARENT=true&LAYERS=show:2&F=image");
        using var bitmap = SKBitmap.Decode(bytes);
        var clear = bitmap.Pixels.Count(p => p.Alpha == 0);
        Assert.True(clear > 256 * 256 / 2, "without zones most of the image stays transparent");
        Assert.True(clear < 256 * 256, "mains are drawn");
        Assert.DoesNotContain(bitmap.Pixels, p => p.Alpha > 200 && p.Red > 180 && p.Green < 80); // no hydrant red
    }

    [Fact]
    public async Task Export_Json_GivesAnHrefAndTheExtentWidenedToTheImageAspect()
    {
        var json = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Service}/export?bbox=-13661000,5188000,-13659000,5189000&bboxSR=102100&size=400,400&f=json");
        var extent = json.GetProperty("extent");
        var width = extent.GetProperty("xmax").GetDouble() - extent.GetProperty("xmin").GetDouble();
        var height = extent.GetProperty("ymax").GetDouble() - extent.GetProperty("ymin").GetDouble();
        Assert.Equal(2000, width, 3);
        Assert.Equal(2000, height, 3);
        Assert.Equal(3857, extent.GetProperty("spatialReference").GetProperty("latestWkid").GetInt32());
        Assert.Equal((400, 400), (json.GetProperty("width").GetInt32(), json.GetProperty("height").GetInt32()));
        Assert.Equal(5 * 96 / 0.0254, json.GetProperty("scale").GetDouble(), 3);
        var href = json.GetProperty("href").GetString()!;
        Assert.StartsWith(Host.BaseUrl + "/sample/arcgis/rest/directories/arcgisoutput/", href);
        using var bitmap = SKBitmap.Decode(await Host.Client.GetByteArrayAsync(href));
        Assert.Equal(400, bitmap.Width);
    }

    [Theory]
    [InlineData("size=0,10")]
    [InlineData("size=5000,10")]
    [InlineData("bbox=1,2,3")]
    [InlineData("layers=show:7")]
    [InlineData("layers=zoom:1")]
    [InlineData("bboxSR=2193")]
    [InlineData("format=gif")]
    [InlineData("dpi=abc")]
    [InlineData("transparent=maybe")]
    public async Task Export_BadParameter_AnswersTheErrorEnvelope(string parameter)
    {
        var query = new Dictionary<string, string> { ["bbox"] = Bbox4326, ["bboxSR"] = "4326", ["f"] = "json" };
        var (name, value) = (parameter.Split('=')[0], parameter.Split('=')[1]);
        query[name] = value;
        var url = $"{Service}/export?" + string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var error = await TiledMapServiceTests.GetJsonAsync(Host.Client, url);
        Assert.Equal(400, error.GetProperty("error").GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Export_Post_ReadsTheForm()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["bbox"] = Bbox4326, ["bboxSR"] = "4326", ["imageSR"] = "3857", ["size"] = "128,64", ["f"] = "image", ["format"] = "jpg",
        });
        using var response = await Host.Client.PostAsync($"{Service}/export", form);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var bitmap = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((128, 64), (bitmap.Width, bitmap.Height));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
