using System.Net;
using System.Text.Json;
using OfflinePortal.Core.Persistence;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>The preview proxy: only for signed-in users, only GET and POST, only the services the web map references.</summary>
public sealed class WebMapsProxyTests(WebMapsPortalFixture portal) : IClassFixture<WebMapsPortalFixture>
{
    private static string Proxy(string webMapId = WebMapsPortalFixture.HydrantMap) => $"/api/v1/webmaps/{webMapId}/proxy?";

    [Fact]
    public async Task Proxy_ReferencedFeatureLayer_PassesTheQueryThroughWithSafeHeaders()
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Auditor);
        var response = await client.GetAsync(Proxy() + portal.ServicesUrl + "/WaterNetwork/FeatureServer/0/query?where=1%3D1&returnCountOnly=true&f=json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, doc.RootElement.GetProperty("count").GetInt32());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_TilesAndServiceDescriptions_ArePassedAsServed()
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Supervisor);
        var info = await client.GetAsync(Proxy() + portal.ServicesUrl + "/Basemap/MapServer/?f=json");
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Contains("tileInfo", await info.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var tile = await client.GetAsync(Proxy() + portal.ServicesUrl + "/Basemap/MapServer/tile/14/6040/2606");
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        Assert.StartsWith("image/", tile.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var bytes = await tile.Content.ReadAsByteArrayAsync();
        using var direct = new HttpClient();
        Assert.Equal(await direct.GetByteArrayAsync(portal.ServicesUrl + "/Basemap/MapServer/tile/14/6040/2606"), bytes);
    }

    [Fact]
    public async Task Proxy_PostedForm_IsPassedThrough()
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Auditor);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["where"] = "STATUS = 'InService'", ["returnCountOnly"] = "true", ["f"] = "json" });
        var response = await client.PostAsync(Proxy() + portal.ServicesUrl + "/WaterNetwork/FeatureServer/0/query", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var count = doc.RootElement.GetProperty("count").GetInt32();
        Assert.InRange(count, 1, 399);
    }

    [Theory]
    [InlineData("/CriticalCustomers/FeatureServer/0/query?where=1%3D1&f=json")]
    [InlineData("/WaterNetwork/FeatureServer/../../CriticalCustomers/FeatureServer/0?f=json")]
    [InlineData("/WaterNetwork/FeatureServerX/0?f=json")]
    [InlineData("/WaterNetwork/MapServer?f=json")]
    public async Task Proxy_UrlTheWebMapDoesNotReference_Is403(string path)
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Supervisor);
        var response = await client.GetAsync(Proxy() + portal.ServicesUrl + path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("does not reference", doc.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://example.com/sample/arcgis/rest/services/WaterNetwork/FeatureServer/0?f=json")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://user:secret@HOST/sample/arcgis/rest/services/WaterNetwork/FeatureServer/0?f=json")]
    public async Task Proxy_OtherHostsSchemesAndUserInfo_AreRefused(string target)
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Supervisor);
        var host = new Uri(portal.BaseUrl).Authority;
        var response = await client.GetAsync(Proxy() + target.Replace("HOST", host, StringComparison.Ordinal));
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Proxy_WithoutSignIn_Is401AndNothingIsFetched()
    {
        using var anonymous = portal.AnonymousClient();
        var response = await anonymous.GetAsync(Proxy() + portal.ServicesUrl + "/WaterNetwork/FeatureServer/0/query?where=1%3D1&f=json");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("features", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Proxy_OtherMethods_AreNotAllowed(string method)
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Admin);
        using var request = new HttpRequestMessage(new HttpMethod(method), Proxy() + portal.ServicesUrl + "/WaterNetwork/FeatureServer/0/applyEdits?f=json");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Proxy_NoTargetOrUnknownWebMap_IsRefusedWithAMessage()
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Supervisor);
        var none = await client.GetAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/proxy");
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var unknown = await client.GetAsync(Proxy("0123456789abcdef0123456789abcdef") + portal.ServicesUrl + "/WaterNetwork/FeatureServer/0?f=json");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var notAMap = await client.GetAsync(Proxy(SampleItemIds.WaterNetworkService) + portal.ServicesUrl + "/WaterNetwork/FeatureServer/0?f=json");
        Assert.Equal(HttpStatusCode.NotFound, notAMap.StatusCode);
    }

    [Fact]
    public async Task Proxy_ServiceThatCannotBeReached_Is502NotAHang()
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Supervisor);
        var response = await client.GetAsync(Proxy(SampleItemIds.RetiredNetworkMap) + "http://127.0.0.1:9/arcgis/rest/services/Retired/FeatureServer/0?f=json");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("error").GetProperty("message").GetString()));
    }
}
