using System.Text.Json;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.SamplePortal;

namespace OfflinePortal.Tests.Conformance;

/// <summary>Each kind of answer the sample portal gives has the field names and JSON value types of the real captured responses.</summary>
public sealed class SamplePortalConformanceTests : IAsyncLifetime
{
    private SamplePortalServer _server = null!;
    private SamplePortalClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await SamplePortalServer.StartAsync(o => o.HydrantCount = 300);
        _client = new SamplePortalClient(_server);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static JsonElement Fixture(string name) => JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture(name))).RootElement.Clone();

    /// <summary>Paths where the fixture shows a variant we do not produce (a WKT spatial reference, a picture-marker symbol).</summary>
    private static readonly string[] NotApplicable = ["spatialReference.wkt", "drawingInfo.renderer.symbol", "multiScaleGeometryInfo"];

    private static void AssertShape(string fixture, JsonElement actual)
    {
        var diffs = JsonShape.Differences(Fixture(fixture), actual).Where(d => !NotApplicable.Any(n => d.Contains(n, StringComparison.Ordinal))).ToList();
        Assert.True(diffs.Count == 0, fixture + ":\n" + string.Join("\n", diffs) + "\nanswer: " + actual.GetRawText()[..Math.Min(2000, actual.GetRawText().Length)]);
    }

    public static TheoryData<string, string> GetCases => new()
    {
        { "portal-sharing-rest-info.json", "/sharing/rest/info" },
        { "portal-search-simple-response.json", "/sharing/rest/search?q=owner:sampleadmin&num=1" },
        { "portal-search-response-paged.json", "/sharing/rest/search?q=type:%22Feature%20Service%22&num=1" },
        { "portal-search-webmaps-collector-keyword.json", "/sharing/rest/search?q=type:%22Web%20Map%22%20-type:%22Web%20Mapping%20Application%22%20AND%20(typekeywords:Collector)&num=100" },
        { "portal-item-feature-service.json", $"/sharing/rest/content/items/{SampleItemIds.WaterNetworkService}" },
        { "portal-item-webmap-template.json", $"/sharing/rest/content/items/{SampleItemIds.HydrantMaintenanceMap}" },
        { "webmap-data-minimal-tiled-basemap-template.json", $"/sharing/rest/content/items/{SampleItemIds.HydrantMaintenanceMap}/data" },
        { "webmap-data-vectortile-basemap-featurelayer.json", $"/sharing/rest/content/items/{SampleItemIds.ValveExercisingMap}/data" },
        { "featureserver-root-sync-enabled-editable-template.json", "/arcgis/rest/services/WaterNetwork/FeatureServer" },
        { "featureserver-root-sync-enabled-readonly-agol.json", "/arcgis/rest/services/PressureZones/FeatureServer" },
        { "featureserver-root-not-sync-enabled.json", "/arcgis/rest/services/CriticalCustomers/FeatureServer" },
        { "featureserver-layer-template-arcrestgo.json", "/arcgis/rest/services/WaterNetwork/FeatureServer/0" },
        { "featureserver-layer-polygon-many-fields.json", "/arcgis/rest/services/PressureZones/FeatureServer/0" },
        { "query-response-points-esrijson.json", "/arcgis/rest/services/WaterNetwork/FeatureServer/0/query?where=1%3D1&outFields=*&resultRecordCount=2" },
        { "query-response-template-arcrestgo.json", "/arcgis/rest/services/WaterNetwork/FeatureServer/0/query?where=1%3D1&outFields=*&resultRecordCount=1" },
        { "query-returnCountOnly-response.json", "/arcgis/rest/services/WaterNetwork/FeatureServer/0/query?where=1%3D1&returnCountOnly=true" },
        { "attachments-list-response.json", "/arcgis/rest/services/WaterNetwork/FeatureServer/0/4/attachments" },
        { "error-400-query-invalid-params.json", "/arcgis/rest/services/WaterNetwork/FeatureServer/0/query?where=NOPE%3D1" },
        { "error-400-generic.json", "/sharing/rest/content/items/00000000000000000000000000000000" },
    };

    [Theory]
    [MemberData(nameof(GetCases))]
    public async Task Answer_HasFixtureShape(string fixture, string path)
    {
        var answer = await _client.GetAsync(_server.BaseUrl + path);
        AssertShape(fixture, answer);
    }

    [Fact]
    public async Task QueryGeoJson_HasFixtureShape()
    {
        var text = await _client.Http.GetStringAsync(_client.Fs("WaterNetwork") + "/0/query?where=1%3D1&outFields=*&resultRecordCount=1&f=geojson");
        AssertShape("query-response-points-geojson.json", JsonDocument.Parse(text).RootElement);
    }

    [Fact]
    public async Task QueryRelatedRecords_HasFixtureShape()
    {
        var ids = await _client.GetAsync(_client.Fs("WaterNetwork") + "/3/query", ("where", "1=1"), ("outFields", "HYDRANTGUID"), ("resultRecordCount", "1"));
        var gid = ids.GetProperty("features")[0].GetProperty("attributes").GetProperty("HYDRANTGUID").GetString();
        var hydrant = await _client.GetAsync(_client.Fs("WaterNetwork") + "/0/query", ("where", $"GlobalID = '{gid}'"), ("returnIdsOnly", "true"));
        var oid = hydrant.GetProperty("objectIds")[0].GetInt64();
        var related = await _client.GetAsync(_client.Fs("WaterNetwork") + "/0/queryRelatedRecords", ("objectIds", oid.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("relationshipId", "0"), ("outFields", "*"));
        var fixture = Fixture("queryRelatedRecords-response.json");
        // The fixture's related layer has geometry; ours (a table) does not, so compare the record groups only.
        var diffs = JsonShape.Differences(fixture.GetProperty("relatedRecordGroups"), related.GetProperty("relatedRecordGroups"));
        Assert.DoesNotContain(diffs, d => !d.Contains("geometry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EditResults_HaveFixtureShapes()
    {
        var fs = _client.Fs("WaterNetwork");
        var point = """{"x":-13662000,"y":5188000}""";
        var add = await _client.PostAsync(fs + "/0/addFeatures", ("features", $$"""[{"attributes":{"ASSETID":"T-1"},"geometry":{{point}}}]"""));
        AssertShape("addFeatures-response.json", add);
        var oid = add.GetProperty("addResults")[0].GetProperty("objectId").GetInt64();
        AssertShape("updateFeatures-response.json", await _client.PostAsync(fs + "/0/updateFeatures", ("features", "[{\"attributes\":{\"OBJECTID\":" + oid + ",\"ASSETID\":\"T-2\"}}]")));
        AssertShape("applyEdits-response.json", await _client.PostAsync(fs + "/0/applyEdits",
            ("adds", $$"""[{"attributes":{"ASSETID":"T-3"},"geometry":{{point}}}]"""), ("updates", "[{\"attributes\":{\"OBJECTID\":" + oid + ",\"STATUS\":\"Retired\"}}]"), ("deletes", "")));
        using (var form = new MultipartFormDataContent())
        {
            var file = new ByteArrayContent([1, 2, 3]);
            file.Headers.ContentType = new("image/png");
            form.Add(file, "attachment", "x.png");
            form.Add(new StringContent("json"), "f");
            var response = await _client.Http.PostAsync($"{fs}/0/{oid}/addAttachment", form);
            AssertShape("addAttachment-response.json", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        }
        AssertShape("deleteFeatures-response.json", await _client.PostAsync(fs + "/0/deleteFeatures", ("objectIds", oid.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Replicas_HaveFixtureShapes()
    {
        var fs = _client.Fs("WaterNetwork");
        var created = await _client.PostAsync(fs + "/createReplica", ("layers", "0"), ("geometry", "-122.72,42.18,-122.70,42.20"), ("inSR", "4326"),
            ("syncModel", "perLayer"), ("transportType", "esriTransportTypeURL"), ("returnAttachments", "true"),
            ("layerQueries", """{"0":{"queryOption":"useFilter","where":"STATUS = 'InService'","useGeometry":true,"includeRelated":true}}"""));
        AssertShape("createReplica-sync-transportUrl-response-agol-2015.json", created);
        AssertShape("doc-example-replicas-list.json", await _client.GetAsync(fs + "/replicas"));
        var id = created.GetProperty("replicaID").GetString()!;
        AssertShape("replica-info-perLayer-download-filtered.json", await _client.GetAsync(fs + "/replicas/" + id));
    }

    [Fact]
    public async Task TokenErrors_HaveFixtureShapes()
    {
        await using var secured = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = 50;
            o.Security.Enabled = true;
            o.Security.Users.Add(new SamplePortalUser { Username = "crew", Password = "secret" });
        });
        using var client = new SamplePortalClient(secured);
        AssertShape("error-499-token-required.json", await client.GetAsync(client.Fs("WaterNetwork")));
        AssertShape("error-498-invalid-token.json", await client.GetAsync(client.Fs("WaterNetwork"), ("token", "nope")));
        AssertShape("error-400-generateToken-failed.json", await client.PostAsync(secured.PortalUrl + "/generateToken", ("username", "crew"), ("password", "wrong")));
    }
}
