using System.Net.Http.Json;
using OfflinePortal.Core.Areas;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>Crews and areas created through the API, as a supervisor would.</summary>
public static class PortalTestData
{
    public const string SquareGeoJson = """{"type":"Polygon","coordinates":[[[5.10,52.00],[5.20,52.00],[5.20,52.10],[5.10,52.10],[5.10,52.00]]]}""";

    public static async Task<AreasEndpoints.AreaResponse> CreateAreaAsync(HttpClient supervisor, string name, string? crewName = null)
    {
        int? crewId = null;
        if (crewName is not null)
        {
            var crewResponse = await supervisor.PostAsJsonAsync("/api/v1/crews", new AreasEndpoints.CrewRequest(crewName, null));
            crewResponse.EnsureSuccessStatusCode();
            crewId = (await crewResponse.Content.ReadFromJsonAsync<AreasEndpoints.CrewResponse>())!.Id;
        }
        var response = await supervisor.PostAsJsonAsync("/api/v1/areas", new AreaInput(name, "webmap-1", "Water network", crewId, SquareGeoJson));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AreasEndpoints.AreaResponse>())!;
    }
}
