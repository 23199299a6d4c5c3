using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>The web maps API against the mounted sample portal: search and paging, one map, thumbnails, capability exports, estimates.</summary>
public sealed class WebMapsApiTests(WebMapsPortalFixture portal) : IClassFixture<WebMapsPortalFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Search_PagesWithThePortalsOwnStartAndNextStart()
    {
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        var first = (await client.GetFromJsonAsync<WebMapSearchPage>("/api/v1/webmaps?num=2&sort=title&desc=false", Json))!;
        Assert.Equal(4, first.Total);
        Assert.Equal(1, first.Start);
        Assert.Equal(2, first.Items.Count);
        Assert.Equal(3, first.NextStart);

        var second = (await client.GetFromJsonAsync<WebMapSearchPage>($"/api/v1/webmaps?num=2&sort=title&desc=false&start={first.NextStart}", Json))!;
        Assert.Equal(3, second.Start);
        Assert.Equal(2, second.Items.Count);
        Assert.Equal(-1, second.NextStart);
        Assert.False(second.HasMore);

        // The same pages the sample portal's own search gives, in the same order.
        using var sample = new HttpClient();
        var q = Uri.EscapeDataString("type:\"Web Map\" -type:\"Web Mapping Application\"");
        var ids = new List<string>();
        foreach (var start in new[] { 1, 3 })
        {
            using var doc = JsonDocument.Parse(await sample.GetStringAsync($"{portal.BaseUrl}/sample/sharing/rest/search?q={q}&num=2&start={start}&sortField=title&sortOrder=asc&f=json"));
            ids.AddRange(doc.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
        }
        Assert.Equal(ids, first.Items.Concat(second.Items).Select(i => i.Id));
        Assert.Equal(["Hydrant Maintenance", "Network Overview", "Retired Network", "Valve Exercising"], first.Items.Concat(second.Items).Select(i => i.Title));
    }

    [Fact]
    public async Task Search_TextOwnerAndTags_NarrowTheResults()
    {
        var client = await portal.ClientAsync();
        var hydrant = (await client.GetFromJsonAsync<WebMapSearchPage>("/api/v1/webmaps?text=Hydrant", Json))!;
        Assert.Equal(["Hydrant Maintenance"], hydrant.Items.Select(i => i.Title));
        Assert.True(hydrant.Items[0].HasThumbnail);
        Assert.True(hydrant.Items[0].IsOfflineEnabled);
        Assert.Equal("sampleadmin", hydrant.Items[0].Owner);
        Assert.NotNull(hydrant.Items[0].Modified);

        var tagged = (await client.GetFromJsonAsync<WebMapSearchPage>("/api/v1/webmaps?tags=valves", Json))!;
        Assert.Equal(["Valve Exercising"], tagged.Items.Select(i => i.Title));

        var nobody = (await client.GetFromJsonAsync<WebMapSearchPage>("/api/v1/webmaps?owner=nobody", Json))!;
        Assert.Equal(0, nobody.Total);
        Assert.Empty(nobody.Items);
    }

    [Theory]
    [InlineData("num=0")]
    [InlineData("num=101")]
    [InlineData("start=0")]
    [InlineData("text=%22unterminated")]
    public async Task Search_BadPagingOrQuery_Is400WithAMessage(string query)
    {
        var client = await portal.ClientAsync();
        var response = await client.GetAsync("/api/v1/webmaps?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("detail", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetWebMap_ReturnsLayersTablesAndBasemapApart()
    {
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        var map = (await client.GetFromJsonAsync<WebMapsEndpoints.WebMapResponse>($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}", Json))!;
        Assert.Equal("Hydrant Maintenance", map.Title);
        Assert.Equal(["Pressure Zones", "Mains", "Valves", "Hydrants"], map.OperationalLayers.Select(l => l.Title));
        Assert.Equal("STATUS <> 'Retired'", map.OperationalLayers.Single(l => l.Title == "Hydrants").DefinitionExpression);
        Assert.Equal(["Inspections"], map.Tables.Select(t => t.Title));
        Assert.Equal(["Ashland Basemap"], map.BasemapLayers.Select(l => l.Title));
        Assert.NotNull(map.Extent);
        Assert.True(map.Extent![0] < -122.7 && map.Extent[2] > -122.7, "the extent is in WGS84 around the sample town");
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef")]
    [InlineData("..%2F..%2Fadmin", "not a web map id")]
    [InlineData("not%20an%20id", "not a web map id")]
    [InlineData(SampleItemIds.WaterNetworkService, "not a web map")]
    public async Task GetWebMap_UnknownOrForgedId_Is404WithAMessage(string id, string expected)
    {
        var client = await portal.ClientAsync();
        foreach (var path in new[] { $"/api/v1/webmaps/{id}", $"/api/v1/webmaps/{id}/capabilities", $"/api/v1/webmaps/{id}/thumbnail" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains(expected, problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task GetWebMap_DotSegments_NeverReachAnotherEndpoint()
    {
        var client = await portal.ClientAsync();
        // Kestrel resolves ".." (also when escaped as %2E%2E) before routing: what is left is no web map endpoint.
        foreach (var path in new[] { "/api/v1/webmaps/%2E%2E", "/api/v1/webmaps/%2E%2E/thumbnail", $"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/%2E%2E/%2E%2E/crews/x" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Thumbnail_IsThePortalsPngAndCachedBriefly()
    {
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        var response = await client.GetAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/thumbnail");
        response.EnsureSuccessStatusCode();
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl is { Private: true, MaxAge.TotalSeconds: 300 }, response.Headers.CacheControl?.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("image/png", ItemThumbnail.SniffContentType(bytes));

        using var sample = new HttpClient();
        var original = await sample.GetByteArrayAsync($"{portal.BaseUrl}/sample/sharing/rest/content/items/{WebMapsPortalFixture.HydrantMap}/info/thumbnail/thumbnail.png");
        Assert.Equal(original, bytes);
    }

    [Fact]
    public async Task Capabilities_Json_ListsEveryLayerAndTableWithStatusAndReason()
    {
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        var report = (await client.GetFromJsonAsync<CapabilityReportDocument>($"/api/v1/webmaps/{SampleItemIds.NetworkOverviewMap}/capabilities", Json))!;
        Assert.Equal(SampleItemIds.NetworkOverviewMap, report.WebMapId);
        Assert.True(report.HasErrors, "the retired service cannot be reached");
        Assert.All(report.Rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.Contains(report.Rows, r => r.Title == "Hydrants needing repair" && r.Status == OfflineCapabilityStatus.Offline);
        Assert.Contains(report.Rows, r => r.Title == "Retired hydrants" && r.Status == OfflineCapabilityStatus.Error);
        Assert.Contains(report.Rows, r => r.Title == "USGS Topo (WMS)" && r.Status == OfflineCapabilityStatus.OnlineOnly);
        Assert.Contains(report.Rows, r => r.Title == "Inspections" && r.IsTable);
        Assert.Contains(report.Rows, r => r.IsBasemap);
    }

    [Fact]
    public async Task Capabilities_Csv_IsADownloadWithTheSameRows()
    {
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        var json = (await client.GetFromJsonAsync<CapabilityReportDocument>($"/api/v1/webmaps/{SampleItemIds.NetworkOverviewMap}/capabilities", Json))!;
        var response = await client.GetAsync($"/api/v1/webmaps/{SampleItemIds.NetworkOverviewMap}/capabilities?format=csv&download=1");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"capabilities-{SampleItemIds.NetworkOverviewMap}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', OfflineCapabilityReport.CsvHeader), lines[0]);
        Assert.Equal(json.Rows.Count, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith("Retired_0,Retired hydrants,", StringComparison.Ordinal) && l.Contains("Cannot be used", StringComparison.Ordinal));

        var bad = await client.GetAsync($"/api/v1/webmaps/{SampleItemIds.NetworkOverviewMap}/capabilities?format=xml");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Estimate_ForASavedAreaAndForGeoJson_CountsTilesAndFeatures()
    {
        var area = await portal.AreaAsync("Estimate block " + Guid.NewGuid().ToString("N")[..6]);
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        var parameters = """{"minScale":80000,"maxScale":18000}""";
        var byArea = await client.PostAsJsonAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate",
            new WebMapsEndpoints.EstimateRequest(area.Id, null, parameters, null));
        Assert.True(byArea.IsSuccessStatusCode, await byArea.Content.ReadAsStringAsync());
        using var doc = JsonDocument.Parse(await byArea.Content.ReadAsStringAsync());
        var tiles = doc.RootElement.GetProperty("tileLayers");
        Assert.Equal(1, tiles.GetArrayLength());
        Assert.Equal([13, 14, 15], tiles[0].GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level").GetInt32()));
        Assert.True(doc.RootElement.GetProperty("featureCount").GetInt64() > 0);
        Assert.True(doc.RootElement.GetProperty("canRun").GetBoolean());

        var byGeoJson = await client.PostAsJsonAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate",
            new WebMapsEndpoints.EstimateRequest(null, WebMapsPortalFixture.BlockGeoJson, parameters, null));
        Assert.True(byGeoJson.IsSuccessStatusCode, await byGeoJson.Content.ReadAsStringAsync());
        using var doc2 = JsonDocument.Parse(await byGeoJson.Content.ReadAsStringAsync());
        Assert.Equal(doc.RootElement.GetProperty("tileCount").GetInt64(), doc2.RootElement.GetProperty("tileCount").GetInt64());
        Assert.Equal(doc.RootElement.GetProperty("featureCount").GetInt64(), doc2.RootElement.GetProperty("featureCount").GetInt64());
    }

    [Fact]
    public async Task Estimate_TheBlockDownToBuildings_BreaksTheTileLimit()
    {
        var client = await portal.ClientAsync();
        // The fixture's services allow 1,000 tiles per export; the block down to buildings needs more.
        var response = await client.PostAsJsonAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate",
            new WebMapsEndpoints.EstimateRequest(null, WebMapsPortalFixture.BlockGeoJson, """{"minScale":0,"maxScale":1000}""", null));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(doc.RootElement.GetProperty("canRun").GetBoolean());
        Assert.Contains("more than its service allows", doc.RootElement.GetProperty("limitViolations")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}""", "geoJson", "self-intersection")]
    [InlineData("""{"type":"Polygon","coordinates":[[[1,1],[1,1],[1,1],[1,1]]]}""", "geoJson", "too few distinct points")]
    [InlineData("""{"type":"Point","coordinates":[1,1]}""", "geoJson", "must be a Polygon")]
    [InlineData("""{"type":"Polygon","coordinates":[[[-170,-80],[170,-80],[170,80],[-170,80],[-170,-80]]]}""", "geoJson", "more than the limit")]
    public async Task Estimate_UnusableArea_Is400NamingTheField(string geoJson, string field, string expected)
    {
        var client = await portal.ClientAsync();
        var response = await client.PostAsJsonAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate",
            new WebMapsEndpoints.EstimateRequest(null, geoJson, null, null));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var message = doc.RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Estimate_ImpossibleScales_Is400WithTheScaleMessage()
    {
        var client = await portal.ClientAsync();
        var response = await client.PostAsJsonAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate",
            new WebMapsEndpoints.EstimateRequest(null, WebMapsPortalFixture.BlockGeoJson, """{"minScale":2000,"maxScale":80000}""", null));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("must be at least the maximum scale", body, StringComparison.Ordinal);

        var malformed = await client.PostAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate",
            new StringContent("""{"geoJson":"{}","parametersJson":"{ not json"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesTheWebMapEndpoints_ButNotTheProxy()
    {
        var client = await portal.ClientAsync(PortalRoles.Auditor);
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/webmaps", "/api/v1/webmaps/{id}", "/api/v1/webmaps/{id}/thumbnail", "/api/v1/webmaps/{id}/capabilities", "/api/v1/webmaps/{id}/estimate" })
        {
            Assert.True(paths.TryGetProperty(path, out var operations), $"{path} is not described");
            Assert.Contains(operations.EnumerateObject(), o => o.Value.TryGetProperty("summary", out _));
        }
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.Contains("proxy", StringComparison.Ordinal));
    }
}
