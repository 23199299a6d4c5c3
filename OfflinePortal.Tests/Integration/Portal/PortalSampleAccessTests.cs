using System.Net;
using System.Net.Http.Headers;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Integration.WebMaps;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>
/// The sample portal mounted at <c>/sample</c> can change data (applyEdits, replicas), so it answers anonymously only to
/// this machine (the portal's own engine; <c>dotnet run</c> works as before). From elsewhere it needs a portal sign-in:
/// any role reads, only Admin and Supervisor write.
/// </summary>
public sealed class PortalSampleAccessTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private const string Info = "/sample/sharing/rest/info?f=json";
    private const string ApplyEdits = "/sample/arcgis/rest/services/WaterNetwork/FeatureServer/0/applyEdits";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")] // a dual-stack listener (http://+:port, the container) reports IPv4 loopback so
    public async Task Sample_FromThisMachine_AnswersWithoutSignIn_ReadsAndWrites(string address)
    {
        using var client = Client(IPAddress.Parse(address), key: null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Info)).StatusCode);
        var edits = await client.PostAsync(ApplyEdits, EmptyEdits());
        Assert.Equal(HttpStatusCode.OK, edits.StatusCode);
        Assert.Contains("addResults", await edits.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("198.51.100.20")]
    [InlineData("::ffff:198.51.100.20")]
    [InlineData("2001:db8::20")]
    public async Task Sample_FromAnotherMachine_Anonymous_Gets401_ForReadsAndWrites(string address)
    {
        using var client = Client(IPAddress.Parse(address), key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Info)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(ApplyEdits, EmptyEdits())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/sample/arcgis/rest/services/Basemap/MapServer/tile/14/6040/2606")).StatusCode);
    }

    [Fact]
    public async Task Sample_FromAnotherMachine_AuditorReadsButCannotWrite_SupervisorWrites()
    {
        var remote = IPAddress.Parse("198.51.100.21");
        using var auditor = Client(remote, await factory.ApiKeyAsync(PortalRoles.Auditor));
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync(Info)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync(ApplyEdits, EmptyEdits())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync("/sample/arcgis/rest/services/WaterNetwork/FeatureServer/synchronizeReplica", EmptyEdits())).StatusCode);

        using var supervisor = Client(remote, await factory.ApiKeyAsync(PortalRoles.Supervisor));
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsync(ApplyEdits, EmptyEdits())).StatusCode);
    }

    private static FormUrlEncodedContent EmptyEdits() => new(new Dictionary<string, string> { ["f"] = "json", ["adds"] = "[]" });

    private HttpClient Client(IPAddress remote, string? key)
    {
        var client = new HttpClient(factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = remote)) { BaseAddress = factory.Server.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }
}

/// <summary>The preview proxy adds the server's credential, so it only reads: a write through it is refused for every role.</summary>
public sealed class PortalPreviewProxyWriteTests(SecuredWebMapsPortalFixture portal) : IClassFixture<SecuredWebMapsPortalFixture>
{
    [Theory]
    [InlineData(PortalRoles.Auditor, "/WaterNetwork/FeatureServer/0/applyEdits")]
    [InlineData(PortalRoles.Supervisor, "/WaterNetwork/FeatureServer/0/applyEdits")]
    [InlineData(PortalRoles.Admin, "/WaterNetwork/FeatureServer/0/deleteFeatures")]
    public async Task Proxy_WriteOperation_IsRefused_AndNothingChanges(string role, string operation)
    {
        using var client = await portal.SignedInClientAsync(role);
        var proxy = $"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/proxy?";
        var count = await CountAsync(client, proxy);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["f"] = "json", ["where"] = "1=1", ["deletes"] = "[1,2,3]" });
        using var response = await client.PostAsync(proxy + portal.ServicesUrl + operation, form);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("only reads", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(count, await CountAsync(client, proxy));
    }

    private async Task<string> CountAsync(HttpClient client, string proxy)
    {
        using var response = await client.GetAsync(proxy + portal.ServicesUrl + "/WaterNetwork/FeatureServer/0/query?where=1%3D1&returnCountOnly=true&f=json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("count", body, StringComparison.Ordinal);
        return body;
    }
}
