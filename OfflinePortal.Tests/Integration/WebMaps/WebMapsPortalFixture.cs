using System.Net.Http.Headers;
using System.Net.Http.Json;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Integration.Portal;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>
/// The whole portal on a real Kestrel port (so that the engine's HTTP clients reach the mounted sample portal), over a
/// temporary data folder and SQLite file, with the scripted job executor. Shared by the tests of a class.
/// </summary>
public class WebMapsPortalFixture : IAsyncLifetime
{
    /// <summary>A block in the middle of the sample town, as GeoJSON.</summary>
    public const string BlockGeoJson = """{"type":"Polygon","coordinates":[[[-122.72,42.18],[-122.70,42.18],[-122.70,42.20],[-122.72,42.20],[-122.72,42.18]]]}""";

    public const string HydrantMap = SampleItemIds.HydrantMaintenanceMap;

    public PortalAppFactory Factory { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The mounted sample portal's services root as the server reaches it.</summary>
    public string ServicesUrl => BaseUrl + "/sample/arcgis/rest/services";

    /// <summary>The sample services' tile limit: low, so that a small area at street level breaks it.</summary>
    public virtual int MaxExportTilesCount => 1000;

    protected virtual void Configure(PortalAppFactory factory)
    {
    }

    public virtual Task InitializeAsync()
    {
        Factory = new PortalAppFactory { UseRealKestrel = true };
        Factory.Settings["SamplePortal:HydrantCount"] = "400";
        Factory.Settings["SamplePortal:Tiles:MaxExportTilesCount"] = MaxExportTilesCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Configure(Factory);
        Factory.UseKestrel(0);
        Factory.StartServer();
        BaseUrl = Factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>An API client with a key of a user in <paramref name="role"/>, on the real port.</summary>
    public async Task<HttpClient> ClientAsync(string role = PortalRoles.Supervisor)
    {
        var client = AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Factory.ApiKeyAsync(role));
        return client;
    }

    /// <summary>A client without credentials (cookies kept, redirects not followed), on the real port.</summary>
    public HttpClient AnonymousClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromSeconds(100),
        };

    /// <summary>A cookie client signed in through the real sign-in form, on the real port.</summary>
    public async Task<HttpClient> SignedInClientAsync(string role)
    {
        var user = await Factory.UserAsync(role);
        var client = AnonymousClient();
        var response = await PortalAppFactory.SignInAsync(client, user.Email, user.Password);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}: {response.Headers.Location}");
        return client;
    }

    /// <summary>A saved area on the hydrant map (through the API, as a supervisor).</summary>
    public async Task<AreasEndpoints.AreaResponse> AreaAsync(string name, string geoJson = BlockGeoJson, string webMapId = HydrantMap)
    {
        var client = await ClientAsync();
        var response = await client.PostAsJsonAsync("/api/v1/areas", new AreaInput(name, webMapId, "Hydrant Maintenance", null, geoJson));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AreasEndpoints.AreaResponse>())!;
    }
}
