using System.Text.Json;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Tests.ArcGis;

public sealed class PortalClientTests : IAsyncLifetime
{
    private ArcGisTestServer _server = null!;
    private ClientHarness _clients = null!;

    private Uri Portal => _server.Url("portal/sharing/rest");

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
    public async Task GetInfo_SharingRestInfoFixture_ReadsTokenServiceAndSecurity()
    {
        _server.MapFixture("portal/sharing/rest/info", "portal-sharing-rest-info.json");

        var info = await _clients.Portal.GetInfoAsync(_server.Url("portal"));

        Assert.Equal(new Uri("https://www.arcgis.com/sharing/rest/generateToken"), info.TokenServicesUrl);
        Assert.True(info.IsTokenBasedSecurity);
        Assert.Equal("http://www.arcgis.com", info.OwningSystemUrl);
        Assert.Equal("json", _server.RequestsTo("portal/sharing/rest/info").Single().Parameter("f"));
    }

    [Fact]
    public async Task GetInfo_KoopRestInfo_ReadsVersionAndTokenUrl()
    {
        _server.MapKoop("portal/sharing/rest/info", "rest-info.json");

        var info = await _clients.Portal.GetInfoAsync(Portal);

        Assert.Equal("11.2", info.CurrentVersion);
        Assert.True(info.IsTokenBasedSecurity);
        Assert.Equal("https://127.0.0.1:8090/file-geojson/rest/generateToken", info.TokenServicesUrl!.OriginalString);
    }

    [Fact]
    public async Task Search_SimpleResponseFixture_ReadsPageAndItem()
    {
        _server.MapFixture("portal/sharing/rest/search", "portal-search-simple-response.json");

        var page = await _clients.Portal.SearchAsync(Portal, new PortalSearchRequest("owner:qa") { Num = 1 });

        Assert.Equal(72, page.Total);
        Assert.Equal(1, page.Start);
        Assert.Equal(2, page.NextStart);
        Assert.True(page.HasMore);
        Assert.Null(page.Query);
        var item = Assert.Single(page.Results);
        Assert.Equal("52fdc942c5d94f1883c476ebf3e950ca", item.Id);
        Assert.Equal("Feature Service", item.Type);
        Assert.Equal("Field_Notes_Fixture_5", item.Title);
        Assert.Null(item.Extent);
        Assert.Null(item.Thumbnail);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1607796929000), item.Created);
        Assert.Contains("Hosted Service", item.TypeKeywords);
        Assert.False(item.IsWebMap);
    }

    [Fact]
    public async Task Search_PagedFixture_ReadsExtentAndNextStart()
    {
        _server.MapFixture("portal/sharing/rest/search", "portal-search-response-paged.json");

        var page = await _clients.Portal.SearchAsync(Portal, new PortalSearchRequest("*"));

        Assert.Equal(10795, page.Total);
        Assert.Equal(2, page.NextStart);
        var item = Assert.Single(page.Results);
        Assert.Equal(" Drug Activity Reporter", item.Title);
        Assert.Equal(-180, item.Extent!.XMin);
        Assert.Equal(90, item.Extent.YMax);
        Assert.True(item.Extent.SpatialReference!.IsWgs84);
        Assert.Equal("shared", item.Access);
        Assert.Equal(-1, item.Size);
    }

    [Fact]
    public async Task SearchWebMaps_CollectorFixture_SendsWebMapQueryAndSortAndReadsLastPage()
    {
        _server.MapFixture("portal/sharing/rest/search", "portal-search-webmaps-collector-keyword.json");

        var page = await _clients.Portal.SearchWebMapsAsync(Portal, new WebMapSearchCriteria
        {
            Text = "water hydrants",
            Owner = "admin",
            Tags = ["gis", "field \"crew\""],
            OfflineEnabledOnly = true,
            SortField = PortalSortField.Title,
            Descending = false,
            Num = 100,
        });

        var request = _server.RequestsTo("portal/sharing/rest/search").Single();
        Assert.Equal(
            "type:\"Web Map\" -type:\"Web Mapping Application\" AND (water hydrants) AND owner:\"admin\" AND tags:\"gis\" AND tags:\"field \\\"crew\\\"\" AND typekeywords:\"Offline\"",
            request.Parameter("q"));
        Assert.Equal("title", request.Parameter("sortField"));
        Assert.Equal("asc", request.Parameter("sortOrder"));
        Assert.Equal("100", request.Parameter("num"));
        Assert.Equal(-1, page.NextStart);
        Assert.False(page.HasMore);
        Assert.StartsWith("+type:\"Web Map\"", page.Query);
        var map = Assert.Single(page.Results);
        Assert.Equal("7af4318fc298486f9ff8032376f8cbe0", map.Id);
        Assert.Equal("Offline Collector", map.Title);
        Assert.True(map.IsWebMap);
        Assert.True(map.IsOfflineEnabled);
        Assert.Equal("org", map.Access);
        Assert.Equal(-111.5361, map.Extent!.XMin);
        Assert.Equal(36.4129, map.Extent.YMax);
        Assert.Equal("thumbnail/ago_downloaded.png", map.Thumbnail);
    }

    [Fact]
    public async Task SearchAll_ThreePages_FollowsNextStartUntilMinusOne()
    {
        var template = JsonDocument.Parse(ArcGisTestServer.FixtureText("portal-search-webmaps-collector-keyword.json")).RootElement.GetProperty("results")[0].GetRawText();
        _server.Map("portal/sharing/rest/search", ctx =>
        {
            var start = int.Parse(ctx.Request.Query["start"]!, System.Globalization.CultureInfo.InvariantCulture);
            var next = start + 2 > 5 ? -1 : start + 2;
            var count = start == 5 ? 1 : 2;
            var results = Enumerable.Range(start, count).Select(i => template.Replace("7af4318fc298486f9ff8032376f8cbe0", $"item{i}", StringComparison.Ordinal));
            return ArcGisTestServer.WriteAsync(ctx, 200, "application/json",
                $$"""{"total":5,"start":{{start}},"num":2,"nextStart":{{next}},"results":[{{string.Join(",", results)}}]}""");
        });

        var items = new List<PortalItem>();
        await foreach (var item in _clients.Portal.SearchAllAsync(Portal, new PortalSearchRequest("type:\"Web Map\"") { Num = 2 }))
        {
            items.Add(item);
        }

        Assert.Equal(["item1", "item2", "item3", "item4", "item5"], items.Select(i => i.Id));
        Assert.Equal(["1", "3", "5"], _server.RequestsTo("portal/sharing/rest/search").Select(r => r.Parameter("start")));
    }

    [Fact]
    public async Task GetItem_FeatureServiceFixture_ReadsFields()
    {
        _server.MapFixture("portal/sharing/rest/content/items/eda6e08848924887b00a67ca319ec1bf", "portal-item-feature-service.json");

        var item = await _clients.Portal.GetItemAsync(Portal, "eda6e08848924887b00a67ca319ec1bf");

        Assert.Equal("eda6e08848924887b00a67ca319ec1bf", item.Id);
        Assert.Equal("Maryland Server Supports Export", item.Title);
        Assert.Equal("Feature Service", item.Type);
        Assert.Equal("dmfenton", item.Owner);
        Assert.Equal("97KLIFOSt5CxbiRI", item.OrgId);
        Assert.Equal("https://geodata.md.gov/imap/rest/services/PublicSafety/MD_Fire/FeatureServer", item.Url);
        Assert.Equal("102100", item.SpatialReference);
        Assert.Equal(18, item.Tags.Count);
        Assert.Equal(-79.4066, item.Extent!.XMin);
        Assert.Equal(39.7187, item.Extent.YMax);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1549114505000), item.Modified);
        Assert.Equal("public", item.Access);
        Assert.Equal(11, item.NumViews);
        Assert.Null(item.LicenseInfo);
    }

    [Fact]
    public async Task GetItem_WebMapTemplateFixture_ReadsOfflineKeywordDespiteBlankId()
    {
        _server.MapFixture("portal/sharing/rest/content/items/abc123", "portal-item-webmap-template.json");

        var item = await _clients.Portal.GetItemAsync(Portal, "abc123");

        Assert.True(item.IsWebMap);
        Assert.True(item.IsOfflineEnabled);
        Assert.Null(item.Url);
        Assert.Null(item.SpatialReference);
        Assert.Equal("private", item.Access);
        Assert.False(item.Protected);
        Assert.Equal(180, item.Extent!.XMax);
    }

    [Fact]
    public async Task GetItem_BadItemId_ThrowsBeforeAnyRequest()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _clients.Portal.GetItemAsync(Portal, "../../etc"));
        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData("webmap-data-featurelayers-popups-tiled-basemap.json", 3, "Streets")]
    [InlineData("webmap-data-vectortile-basemap-featurelayer.json", 1, "Basemap")]
    [InlineData("webmap-data-minimal-tiled-basemap-template.json", 0, "Topographic")]
    public async Task GetWebMap_WebMapFixtures_ParsesLayersAndBasemap(string fixture, int operationalLayers, string basemapTitle)
    {
        _server.MapFixture("portal/sharing/rest/content/items/0123456789abcdef0123456789abcdef/data", fixture);

        var map = await _clients.Portal.GetWebMapAsync(Portal, "0123456789abcdef0123456789abcdef");

        Assert.Equal(operationalLayers, map.OperationalLayers.Count);
        Assert.Equal(basemapTitle, map.Basemap.Title);
        Assert.Single(map.Basemap.Layers);
    }

    [Fact]
    public async Task GetItemData_WebMapFixture_ReturnsDetachedJson()
    {
        _server.MapFixture("portal/sharing/rest/content/items/0123456789abcdef0123456789abcdef/data", "webmap-data-vectortile-basemap-featurelayer.json");

        var data = await _clients.Portal.GetItemDataAsync(Portal, "0123456789abcdef0123456789abcdef");

        Assert.Equal("2.8", data.GetProperty("version").GetString());
    }

    [Fact]
    public async Task GetWebMap_DataIsNotAWebMap_ThrowsWebMapFormatException()
    {
        _server.MapFixture("portal/sharing/rest/content/items/0123456789abcdef0123456789abcdef/data", "featureserver-root-sync-enabled-readonly-agol.json");

        await Assert.ThrowsAsync<WebMapFormatException>(() => _clients.Portal.GetWebMapAsync(Portal, "0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task OpenThumbnail_ItemWithThumbnail_StreamsBytes()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
        _server.MapBytes("portal/sharing/rest/content/items/eda6e08848924887b00a67ca319ec1bf/info/thumbnail/ago_downloaded.png", png, "image/png");
        var item = new PortalItem("eda6e08848924887b00a67ca319ec1bf", "t", "Web Map") { Thumbnail = "thumbnail/ago_downloaded.png" };

        await using var download = await _clients.Portal.OpenThumbnailAsync(Portal, item);

        Assert.NotNull(download);
        Assert.Equal("image/png", download.ContentType);
        Assert.Equal(png, await download.ReadAllBytesAsync());
    }

    [Fact]
    public async Task OpenThumbnail_Missing_ReturnsNull()
    {
        var item = new PortalItem("eda6e08848924887b00a67ca319ec1bf", "t", "Web Map") { Thumbnail = "thumbnail/gone.png" };

        Assert.Null(await _clients.Portal.OpenThumbnailAsync(Portal, item));
        Assert.Null(await _clients.Portal.OpenThumbnailAsync(Portal, item with { Thumbnail = null }));
    }

    [Fact]
    public async Task GetPortalSelf_SignedIn_ReadsUserAndOrganisation()
    {
        _server.MapJson("portal/sharing/rest/portals/self",
            """{"id":"org1","name":"Water Utility","urlKey":"water","isPortal":false,"currentVersion":"2025.1","user":{"username":"supervisor","fullName":"Sam Super","role":"org_admin","privileges":["portal:user:createItem"]}}""");

        var self = await _clients.Portal.GetPortalSelfAsync(Portal);

        Assert.Equal("org1", self.Id);
        Assert.Equal("Water Utility", self.Name);
        Assert.False(self.IsPortal);
        Assert.Equal("supervisor", self.User!.Username);
        Assert.Equal("org_admin", self.User.Role);
        Assert.Equal(["portal:user:createItem"], self.User.Privileges);
    }

    [Theory]
    [InlineData("https://www.arcgis.com", "https://www.arcgis.com/sharing/rest")]
    [InlineData("https://www.arcgis.com/", "https://www.arcgis.com/sharing/rest")]
    [InlineData("https://org.maps.arcgis.com/home", "https://org.maps.arcgis.com/sharing/rest")]
    [InlineData("https://host.example.com/portal", "https://host.example.com/portal/sharing/rest")]
    [InlineData("https://host.example.com/portal/sharing", "https://host.example.com/portal/sharing/rest")]
    [InlineData("https://host.example.com/portal/sharing/rest/", "https://host.example.com/portal/sharing/rest")]
    [InlineData("http://localhost:5000/sample", "http://localhost:5000/sample/sharing/rest")]
    public void NormalizePortalUrl_CommonForms_GiveSharingRoot(string input, string expected)
    {
        Assert.Equal(expected, ArcGisUrl.NormalizePortalUrl(new Uri(input)).ToString().TrimEnd('/'));
    }
}
