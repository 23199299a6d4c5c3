using System.Globalization;
using System.Net.Http.Json;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Integration.Portal;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>Areas through the API: no limit of 16 per web map, and editing an area changes its geometry and crew.</summary>
public sealed class AreasApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task SaveArea_SeventeenOnOneMap_AllListed_AndEditChangesGeometryAndCrew()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var webMap = "webmap-" + Guid.NewGuid().ToString("N")[..12];
        var ids = new List<int>();
        for (var i = 0; i < 17; i++)
        {
            var x = 5.0 + i * 0.05;
            var geoJson = string.Create(CultureInfo.InvariantCulture,
                $$"""{"type":"Polygon","coordinates":[[[{{x}},52.0],[{{x + 0.04}},52.0],[{{x + 0.04}},52.04],[{{x}},52.04],[{{x}},52.0]]]}""");
            using var created = await api.PostAsJsonAsync("/api/v1/areas", new AreaInput($"Block {i + 1}", webMap, "Water", null, geoJson));
            Assert.True(created.IsSuccessStatusCode, $"area {i + 1}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            ids.Add((await created.Content.ReadFromJsonAsync<AreasEndpoints.AreaResponse>())!.Id);
        }

        var listed = (await api.GetFromJsonAsync<List<AreaListItem>>($"/api/v1/areas?webMap={webMap}"))!;
        Assert.Equal(17, listed.Count);
        Assert.Equal(ids.Order(), listed.Select(a => a.Id).Order());

        using var crewResponse = await api.PostAsJsonAsync("/api/v1/crews", new AreasEndpoints.CrewRequest("Night shift " + webMap, null));
        var crew = (await crewResponse.Content.ReadFromJsonAsync<AreasEndpoints.CrewResponse>())!;
        const string moved = """{"type":"Polygon","coordinates":[[[4.90,51.90],[4.95,51.90],[4.95,51.95],[4.90,51.95],[4.90,51.90]]]}""";
        using var edited = await api.PutAsJsonAsync($"/api/v1/areas/{ids[16]}", new AreaInput("Block 17, moved", webMap, "Water", crew.Id, moved));
        Assert.True(edited.IsSuccessStatusCode, await edited.Content.ReadAsStringAsync());

        var area = (await api.GetFromJsonAsync<AreasEndpoints.AreaResponse>($"/api/v1/areas/{ids[16]}"))!;
        Assert.Equal("Block 17, moved", area.Name);
        Assert.Equal(crew.Id, area.CrewId);
        Assert.Equal(crew.Name, area.CrewName);
        Assert.Contains("4.9", area.GeoJson, StringComparison.Ordinal);
        Assert.DoesNotContain("5.8", area.GeoJson, StringComparison.Ordinal);
        Assert.Equal(17, (await api.GetFromJsonAsync<List<AreaListItem>>($"/api/v1/areas?webMap={webMap}"))!.Count);
    }
}
