using System.IO.Compression;
using System.Text.Json.Nodes;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Tests.ArcGis;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// A vector tile basemap whose style has sprites and glyphs (the sample portal's has neither), served from the
/// captured VectorTileServer description: the package holds the tiles, the sprites and the Latin glyph ranges, and the
/// style points at the copies.
/// </summary>
public sealed class VectorTileResourcesTests : IAsyncLifetime
{
    private const string ItemId = "1a2b3c4d5e6f40718293a4b5c6d7e8f0";
    private const string Service = "arcgis/rest/services/Streets/VectorTileServer";
    private ArcGisTestServer _server = null!;
    private OfflineEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _server = await ArcGisTestServer.StartAsync();
        _engine = OfflineEngine.Create();
        var styleUrl = _server.Url(Service + "/resources/styles/root.json").ToString();
        var map = ExtraWebMaps.Map([], new JsonArray(new JsonObject
        {
            ["id"] = "Streets_vt", ["layerType"] = "VectorTileLayer", ["title"] = "Streets", ["styleUrl"] = styleUrl, ["visibility"] = true,
        }));
        _server.MapJson($"sharing/rest/content/items/{ItemId}", $$"""{"id":"{{ItemId}}","title":"Vector streets","type":"Web Map","tags":[],"typeKeywords":["Web Map"]}""");
        _server.MapJson($"sharing/rest/content/items/{ItemId}/data", map.ToJsonString());
        _server.MapFixture(Service, "doc-example-vectortileserver-root.json");
        _server.MapJson(Service + "/resources/styles/root.json", """
            {"version":8,"sources":{"esri":{"type":"vector","url":"../../"}},"sprite":"../sprites/sprite","glyphs":"../fonts/{fontstack}/{range}.pbf",
             "layers":[{"id":"roads","type":"line","source":"esri","source-layer":"roads"},
                       {"id":"labels","type":"symbol","source":"esri","source-layer":"roads","layout":{"text-font":["Arial Regular"],"text-field":"{name}"}}]}
            """);
        foreach (var suffix in new[] { "", "@2x" })
        {
            _server.MapJson($"{Service}/resources/sprites/sprite{suffix}.json", """{"dot":{"x":0,"y":0,"width":8,"height":8,"pixelRatio":1}}""");
            _server.MapBytes($"{Service}/resources/sprites/sprite{suffix}.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2], "image/png");
        }
        foreach (var range in new[] { "0-255", "256-511" })
        {
            _server.MapBytes($"{Service}/resources/fonts/Arial Regular/{range}.pbf", [0x0A, 0x02, 0x08, 0x01], "application/x-protobuf");
        }
        var tile = Gzip([0x1A, 0x00]);
        for (var z = 0; z <= 3; z++)
        {
            for (var y = 0; y < 1 << z; y++)
            {
                for (var x = 0; x < 1 << z; x++)
                {
                    _server.MapBytes($"{Service}/tile/{z}/{y}/{x}.pbf", tile, "application/x-protobuf", "gzip");
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    [Fact]
    public async Task VectorBasemap_WithSpritesAndGlyphs_CopiedAndStylePointsAtThem()
    {
        using var folder = new PackageFolder("vector-resources");
        var task = await _engine.Factory.CreateAsync(_server.Url("sharing/rest"), ItemId);
        var area = new EsriEnvelope(10, 10, 10.2, 10.2) { SpatialReference = SpatialReference.Wgs84 };
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(area, maxScale: 36_978_595);

        var estimate = await task.EstimateAsync(parameters);
        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunCheckedAsync();

        Assert.False(result.HasErrors, string.Join("; ", result.LayerErrors.Values.Select(e => e.Message)));
        Assert.Equal(estimate.TileCount, PackageChecks.Scalar(folder.Tiles("Streets.mbtiles"), "SELECT count(*) FROM tiles"));
        Assert.Equal(3, PackageChecks.Scalar(folder.Tiles("Streets.mbtiles"), "SELECT max(zoom_level) FROM tiles"));
        var style = JsonNode.Parse(await File.ReadAllTextAsync(folder.Tiles("Streets.style.json")))!;
        Assert.Equal("Streets.resources/sprites/sprite", style["sprite"]!.GetValue<string>());
        Assert.Equal("Streets.resources/fonts/{fontstack}/{range}.pbf", style["glyphs"]!.GetValue<string>());
        Assert.Equal("Arial_Regular", style["layers"]![1]!["layout"]!["text-font"]![0]!.GetValue<string>());
        Assert.Equal("mbtiles://Streets.mbtiles", style["sources"]!["esri"]!["url"]!.GetValue<string>());
        foreach (var file in new[] { "sprites/sprite.json", "sprites/sprite.png", "sprites/sprite@2x.json", "sprites/sprite@2x.png", "fonts/Arial_Regular/0-255.pbf", "fonts/Arial_Regular/256-511.pbf" })
        {
            Assert.True(File.Exists(folder.Tiles("Streets.resources/" + file)), file);
        }
        Assert.Contains(result.Manifest!.Files, f => f.Path == "tiles/Streets.resources/fonts/Arial_Regular/0-255.pbf");
    }
}
