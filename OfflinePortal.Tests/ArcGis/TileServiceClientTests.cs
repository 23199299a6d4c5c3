using System.IO.Compression;
using System.Text;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Tests.ArcGis;

public sealed class TileServiceClientTests : IAsyncLifetime
{
    private const string MapPath = "arcgis/rest/services/World_Street_Map/MapServer";
    private const string VectorPath = "arcgis/rest/services/Basemap/VectorTileServer";
    private ArcGisTestServer _server = null!;
    private ClientHarness _clients = null!;

    public async Task InitializeAsync()
    {
        _server = await ArcGisTestServer.StartAsync();
        _clients = ClientHarness.Create();
    }

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GetServiceInfo_WorldStreetMapFixture_ReadsTilingScheme()
    {
        _server.MapFixture(MapPath, "mapserver-tiled-world-street-map-10.01.json");

        var info = await _clients.Tiles.GetServiceInfoAsync(_server.Url(MapPath));

        Assert.Equal(10.01, info.CurrentVersion);
        Assert.True(info.SingleFusedMapCache);
        Assert.True(info.IsTiled);
        Assert.False(info.ExportTilesAllowed);
        Assert.Equal(100_000, info.MaxExportTilesCount);
        Assert.Equal("Map", info.Capabilities);
        Assert.True(info.SpatialReference!.IsWebMercator);
        var tiles = info.TileInfo!;
        Assert.Equal(256, tiles.Rows);
        Assert.Equal(256, tiles.Cols);
        Assert.Equal(96, tiles.Dpi);
        Assert.Equal("JPEG", tiles.Format);
        Assert.Equal(-20037508.342787, tiles.OriginX);
        Assert.Equal(20037508.342787, tiles.OriginY);
        Assert.Equal(18, tiles.Lods.Count);
        Assert.Equal(new Lod(0, 156543.033928, 591657527.591555), tiles.Lods[0]);
        Assert.Equal(17, tiles.Lods[^1].Level);
        Assert.True(tiles.SpatialReference.IsWebMercator);
        Assert.NotNull(info.FullExtent);
    }

    [Fact]
    public async Task GetServiceInfo_ArcrestgoTemplate_ReadsExportLimitsAndStorage()
    {
        _server.MapFixture(MapPath, "mapserver-dynamic-template-arcrestgo.json");

        var info = await _clients.Tiles.GetServiceInfoAsync(_server.Url(MapPath));

        Assert.Equal(10.3, info.CurrentVersion);
        Assert.Equal("mapname", info.MapName);
        Assert.False(info.ExportTilesAllowed);
        Assert.Equal(100000, info.MaxExportTilesCount);
        Assert.Equal("esriMapCacheStorageModeExploded", info.StorageFormat);
        Assert.Equal(20, info.TileInfo!.Lods.Count);
        Assert.Equal(591657527.591555, info.MinScale);
        Assert.Equal(288895.277144, info.MaxScale);
        Assert.Equal("layername", Assert.Single(info.Layers).Name);
    }

    [Fact]
    public async Task OpenTile_Existing_StreamsBytesInLevelRowColumnOrder()
    {
        var jpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4 };
        _server.MapBytes(MapPath + "/tile/3/2/5", jpeg, "image/jpeg");

        await using var tile = await _clients.Tiles.OpenTileAsync(_server.Url(MapPath), level: 3, row: 2, column: 5);

        Assert.NotNull(tile);
        Assert.Equal("image/jpeg", tile.ContentType);
        Assert.Equal(jpeg, await tile.ReadAllBytesAsync());
    }

    [Fact]
    public async Task OpenTile_Http404_IsMissingNotError()
    {
        Assert.Null(await _clients.Tiles.OpenTileAsync(_server.Url(MapPath), 3, 2, 6));
    }

    [Fact]
    public async Task OpenTile_ErrorEnvelope404WithHttp200_IsMissing()
    {
        _server.MapJson(MapPath + "/tile/9/9/9", """{"error":{"code":404,"message":"Tile not found","details":[]}}""");

        Assert.Null(await _clients.Tiles.OpenTileAsync(_server.Url(MapPath), 9, 9, 9));
    }

    [Fact]
    public async Task OpenTile_OtherErrors_Throw()
    {
        _server.MapFixture(MapPath + "/tile/1/1/1", "error-403-no-permission.json");
        _server.Enqueue(MapPath + "/tile/2/2/2", Fault.Html());

        var denied = await Assert.ThrowsAsync<ArcGisServiceException>(() => _clients.Tiles.OpenTileAsync(_server.Url(MapPath), 1, 1, 1));
        var html = await Assert.ThrowsAsync<ArcGisProtocolException>(() => _clients.Tiles.OpenTileAsync(_server.Url(MapPath), 2, 2, 2));

        Assert.True(denied.IsPermissionDenied);
        Assert.Contains("HTML", html.Message);
    }

    [Fact]
    public async Task VectorTileService_DocExampleRoot_Reads512PixelSchemeAndTemplate()
    {
        _server.MapFixture(VectorPath, "doc-example-vectortileserver-root.json");

        var info = await _clients.VectorTiles.GetServiceInfoAsync(_server.Url(VectorPath));

        Assert.Equal(10.4, info.CurrentVersion);
        Assert.True(info.ExportTilesAllowed);
        Assert.Equal(10000, info.MaxExportTilesCount);
        Assert.Equal(["tile/{z}/{y}/{x}.pbf"], info.TileTemplates);
        Assert.Equal("resources/styles", info.DefaultStyles);
        Assert.Equal("indexedVector", info.Type);
        Assert.Equal("gzip", info.TileCompression);
        Assert.Equal(8, info.StyleVersion);
        Assert.Equal(512, info.TileInfo!.Rows);
        Assert.Equal("pbf", info.TileInfo.Format);
        Assert.Equal(20, info.TileInfo.Lods.Count);
        Assert.Equal(78271.516964, info.TileInfo.Lods[0].Resolution);
        Assert.Equal(564.248588, info.MaxScale);
        Assert.True(info.FullExtent!.SpatialReference!.IsWebMercator);
    }

    [Fact]
    public async Task VectorTile_GzipServed_IsKeptCompressed()
    {
        var mvt = Encoding.ASCII.GetBytes("not really an MVT, but bytes to compress");
        byte[] gzipped;
        using (var buffer = new MemoryStream())
        {
            await using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                await gzip.WriteAsync(mvt);
            }
            gzipped = buffer.ToArray();
        }
        _server.MapBytes(VectorPath + "/tile/4/5/6.pbf", gzipped, "application/x-protobuf", contentEncoding: "gzip");

        await using var tile = await _clients.VectorTiles.OpenTileAsync(_server.Url(VectorPath), level: 4, row: 5, column: 6, "tile/{z}/{y}/{x}.pbf");

        Assert.NotNull(tile);
        Assert.Equal("gzip", tile.ContentEncoding);
        Assert.Equal(gzipped, await tile.ReadAllBytesAsync());
        Assert.Equal("gzip", _server.RequestsTo(VectorPath + "/tile/4/5/6.pbf").Single().Headers["Accept-Encoding"]);
    }

    [Fact]
    public async Task VectorTile_Missing_IsNull()
    {
        Assert.Null(await _clients.VectorTiles.OpenTileAsync(_server.Url(VectorPath), 4, 5, 7));
    }

    [Fact]
    public async Task Style_RootJsonOrStyleUrl_ResolvesRelativeResources()
    {
        const string style = """{"version":8,"sprite":"../sprites/sprite","glyphs":"../fonts/{fontstack}/{range}.pbf","sources":{"esri":{"type":"vector","url":"../../"}},"layers":[{"id":"bg","type":"background"}]}""";
        _server.MapJson(VectorPath + "/resources/styles/root.json", style);
        _server.MapJson("sharing/rest/content/items/5ad3948260a147a993ef4865e3fad476/resources/styles/root.json", style);

        var fromService = await _clients.VectorTiles.GetStyleAsync(_server.Url(VectorPath));
        var fromItem = await _clients.VectorTiles.GetStyleAsync(_server.Url(VectorPath),
            _server.Url("sharing/rest/content/items/5ad3948260a147a993ef4865e3fad476/resources/styles/root.json"));

        Assert.Equal(_server.Url(VectorPath + "/resources/sprites/sprite"), fromService.SpriteUrl);
        Assert.Equal(_server.Url(VectorPath + "/resources/fonts/").OriginalString + "{fontstack}/{range}.pbf", fromService.GlyphsTemplate);
        Assert.Equal(_server.Url(VectorPath + "/"), fromService.Resolve(fromService.Style["sources"]!["esri"]!["url"]!.GetValue<string>()));
        Assert.Equal("bg", fromItem.Style["layers"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(_server.Url("sharing/rest/content/items/5ad3948260a147a993ef4865e3fad476/resources/sprites/sprite"), fromItem.SpriteUrl);
    }

    [Fact]
    public async Task StyleResource_SpriteJson_IsStreamed()
    {
        _server.MapJson(VectorPath + "/resources/sprites/sprite.json", """{"marker":{"x":0,"y":0,"width":10,"height":10,"pixelRatio":1}}""");

        await using var sprite = await _clients.VectorTiles.OpenResourceAsync(_server.Url(VectorPath + "/resources/sprites/sprite.json"));

        Assert.Contains("marker", Encoding.UTF8.GetString(await sprite!.ReadAllBytesAsync()));
    }
}
