using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.Tests.Integration.Portal;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>The sample portal with token security, configured as the portal's source with a named user.</summary>
public sealed class SecuredWebMapsPortalFixture : WebMapsPortalFixture
{
    public const string Username = "crewlead";
    public const string Password = "Sample-Secret-42";

    protected override void Configure(PortalAppFactory factory)
    {
        factory.Settings["SamplePortal:Security:Enabled"] = "true";
        factory.Settings["SamplePortal:Security:Users:0:Username"] = Username;
        factory.Settings["SamplePortal:Security:Users:0:Password"] = Password;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Factory.Services.GetRequiredService<PortalConnectionProvider>().SaveAsync(new PortalConnectionForm
        {
            PortalUrl = BaseUrl + "/sample",
            Authentication = PortalAuthenticationKind.UsernamePassword,
            Username = Username,
            Password = Password,
        }, "tests", CancellationToken.None);
    }
}

/// <summary>
/// With a secured portal, the server's credential is added on the server: the browser never sends or receives a token,
/// and a token it sends is dropped.
/// </summary>
public sealed class WebMapsSecuredProxyTests(SecuredWebMapsPortalFixture portal) : IClassFixture<SecuredWebMapsPortalFixture>
{
    private string Query => portal.ServicesUrl + "/WaterNetwork/FeatureServer/0/query?where=1%3D1&returnCountOnly=true&f=json";

    [Fact]
    public async Task TheServices_RefuseRequestsWithoutOrWithAForgedToken()
    {
        using var direct = new HttpClient();
        using var missing = JsonDocument.Parse(await direct.GetStringAsync(Query));
        Assert.Equal(499, missing.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        using var forged = JsonDocument.Parse(await direct.GetStringAsync(Query + "&token=forged-token"));
        Assert.Equal(498, forged.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Proxy_AddsTheServersCredential_AndDropsATokenFromTheBrowser()
    {
        using var client = await portal.SignedInClientAsync(PortalRoles.Auditor);
        foreach (var url in new[] { Query, Query + "&token=forged-token", Query + "&TOKEN=forged-token" })
        {
            var response = await client.GetAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/proxy?{url}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var doc = JsonDocument.Parse(body);
            Assert.Equal(400, doc.RootElement.GetProperty("count").GetInt32());
            Assert.DoesNotContain("token", string.Join(" ", response.Headers.Concat(response.Content.Headers).Select(h => h.Key + string.Join(",", h.Value))),
                StringComparison.OrdinalIgnoreCase);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["where"] = "1=1", ["returnCountOnly"] = "true", ["f"] = "json", ["token"] = "forged-token" });
        var posted = await client.PostAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/proxy?{portal.ServicesUrl}/WaterNetwork/FeatureServer/0/query", form);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    [Fact]
    public async Task WebMaps_AreReadWithTheServersCredential()
    {
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        var page = (await client.GetFromJsonAsync<WebMapSearchPage>("/api/v1/webmaps?text=Hydrant", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        Assert.Equal(["Hydrant Maintenance"], page.Items.Select(i => i.Title));
        var thumbnail = await client.GetAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        var capabilities = await client.GetStringAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/capabilities");
        Assert.DoesNotContain("needs a signed-in user", capabilities, StringComparison.Ordinal);
    }
}
