using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>Behaviour over real HTTP: queries, paging, replicas and sync, security, faults and bad input.</summary>
public sealed class SamplePortalHttpTests() : SamplePortalServerTests("sample-http", 1500)
{
    private List<(long Oid, Point P)> AllHydrants()
    {
        using var conn = new SqliteConnection("Data Source=" + Store.DatabasePath);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT OBJECTID, _X, _Y FROM hydrants";
        using var r = cmd.ExecuteReader();
        var list = new List<(long, Point)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), new Point(r.GetDouble(1), r.GetDouble(2))));
        }
        return list;
    }

    private static Geometry AreaMercator()
    {
        var (x0, y0) = WebMercator.FromLonLat(-122.72, 42.18);
        var (x1, y1) = WebMercator.FromLonLat(-122.70, 42.20);
        return new GeometryFactory().ToGeometry(new Envelope(x0, x1, y0, y1));
    }

    [Fact]
    public async Task Query_CountInArea_MatchesIndependentNtsCount()
    {
        var area = AreaMercator();
        var expected = AllHydrants().Count(h => area.Intersects(h.P));
        var answer = await Client.GetAsync(Fs + "/0/query", ("geometry", Area), ("inSR", "4326"), ("geometryType", "esriGeometryEnvelope"), ("returnCountOnly", "true"));
        Assert.True(expected > 0);
        Assert.Equal(expected, answer.GetProperty("count").GetInt64());

        var polygon = """{"rings":[[[-122.72,42.18],[-122.72,42.20],[-122.70,42.20],[-122.72,42.18]]],"spatialReference":{"wkid":4326}}""";
        var triangle = new GeometryFactory().CreatePolygon([.. new[] { (-122.72, 42.18), (-122.72, 42.20), (-122.70, 42.20), (-122.72, 42.18) }.Select(p => { var (x, y) = WebMercator.FromLonLat(p.Item1, p.Item2); return new Coordinate(x, y); })]);
        var inTriangle = await Client.GetAsync(Fs + "/0/query", ("geometry", polygon), ("geometryType", "esriGeometryPolygon"), ("returnCountOnly", "true"));
        Assert.Equal(AllHydrants().Count(h => triangle.Intersects(h.P)), inTriangle.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Query_Paging_ReturnsEveryRowExactlyOnce()
    {
        var seen = new List<long>();
        var offset = 0;
        while (true)
        {
            var page = await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("outFields", "OBJECTID"), ("returnGeometry", "false"),
                ("orderByFields", "OBJECTID"), ("resultOffset", offset.ToString(CultureInfo.InvariantCulture)), ("resultRecordCount", "400"));
            var features = page.GetProperty("features");
            seen.AddRange(features.EnumerateArray().Select(f => f.GetProperty("attributes").GetProperty("OBJECTID").GetInt64()));
            offset += features.GetArrayLength();
            if (!page.TryGetProperty("exceededTransferLimit", out var more) || !more.GetBoolean())
            {
                break;
            }
        }
        Assert.Equal(1500, seen.Count);
        Assert.Equal(1500, seen.Distinct().Count());
    }

    [Fact]
    public async Task Query_HugeRecordCount_IsCappedAtMaxRecordCount()
    {
        var page = await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("resultRecordCount", "1000000"), ("returnGeometry", "false"));
        Assert.Equal(SampleSchema.MaxRecordCount > 1500 ? 1500 : SampleSchema.MaxRecordCount, page.GetProperty("features").GetArrayLength());
        var overflow = await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("resultRecordCount", "99999999999999999999"));
        Assert.Equal(400, SamplePortalClient.ErrorCode(overflow));
    }

    [Fact]
    public async Task Query_OutSr4326AndGeoJson_AreInDegrees()
    {
        var json = await Client.GetAsync(Fs + "/0/query", ("where", "OBJECTID=1"), ("outSR", "4326"));
        var x = json.GetProperty("features")[0].GetProperty("geometry").GetProperty("x").GetDouble();
        Assert.InRange(x, -122.75, -122.66);
        var geo = JsonDocument.Parse(await Client.Http.GetStringAsync(Fs + "/0/query?where=OBJECTID%3D1&f=geojson")).RootElement;
        Assert.Equal(x, geo.GetProperty("features")[0].GetProperty("geometry").GetProperty("coordinates")[0].GetDouble(), 9);
    }

    private async Task<JsonElement> ReplicaJson(string layers, string layerQueries, string syncModel = "none", string geometry = Area)
    {
        var created = await Client.PostAsync(Fs + "/createReplica", ("layers", layers), ("geometry", geometry), ("inSR", "4326"),
            ("layerQueries", layerQueries), ("syncModel", syncModel), ("transportType", "esriTransportTypeUrl"), ("returnAttachments", "false"));
        Assert.Equal(0, SamplePortalClient.ErrorCode(created));
        return JsonDocument.Parse(await Client.Http.GetStringAsync(created.GetProperty("URL").GetString())).RootElement.Clone();
    }

    private static JsonElement Layer(JsonElement replica, int id) => replica.GetProperty("layers").EnumerateArray().First(l => l.GetProperty("id").GetInt32() == id);

    [Fact]
    public async Task CreateReplica_LayerQueries_SelectExactlyTheirRows()
    {
        var replica = await ReplicaJson("0,1,3", """{"0":{"queryOption":"useFilter","where":"STATUS = 'InService'","useGeometry":true,"includeRelated":true},"1":{"queryOption":"none"},"3":{"queryOption":"none","includeRelated":true}}""");
        var hydrants = Layer(replica, 0).GetProperty("features").EnumerateArray().ToList();
        var expected = await Client.GetAsync(Fs + "/0/query", ("where", "STATUS = 'InService'"), ("geometry", Area), ("inSR", "4326"), ("returnIdsOnly", "true"));
        Assert.Equal(expected.GetProperty("objectIds").EnumerateArray().Select(e => e.GetInt64()).Order(), hydrants.Select(h => h.GetProperty("attributes").GetProperty("OBJECTID").GetInt64()).Order());
        Assert.Equal(0, Layer(replica, 1).GetProperty("features").GetArrayLength());
        var keys = hydrants.Select(h => h.GetProperty("attributes").GetProperty("GlobalID").GetString()).ToHashSet();
        var inspections = Layer(replica, 3).GetProperty("features").EnumerateArray().ToList();
        Assert.NotEmpty(inspections);
        Assert.All(inspections, i => Assert.Contains(i.GetProperty("attributes").GetProperty("HYDRANTGUID").GetString(), keys));
        var allRelated = 0L;
        foreach (var key in keys)
        {
            allRelated += await Client.CountAsync("WaterNetwork", 3, $"HYDRANTGUID = '{key}'");
        }
        Assert.Equal(allRelated, inspections.Count);

        var all = await ReplicaJson("1", """{"1":{"queryOption":"all"}}""");
        Assert.Equal(await Client.CountAsync("WaterNetwork", 1), Layer(all, 1).GetProperty("features").GetArrayLength());
    }

    private async Task<(string Id, long Gen)> CreateSyncReplica()
    {
        var created = await Client.PostAsync(Fs + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"), ("syncModel", "perReplica"),
            ("transportType", "esriTransportTypeUrl"), ("replicaName", "test"));
        var id = created.GetProperty("replicaID").GetString()!;
        var data = JsonDocument.Parse(await Client.Http.GetStringAsync(created.GetProperty("URL").GetString())).RootElement;
        return (id, data.GetProperty("replicaServerGen").GetInt64());
    }

    private static string UpdateEdit(string globalId, string assetId) =>
        "[{\"id\":0,\"features\":{\"adds\":[],\"updates\":[{\"attributes\":{\"GlobalID\":\"" + globalId + "\",\"ASSETID\":\"" + assetId + "\"}}],\"deleteIds\":[]}}]";

    [Fact]
    public async Task Sync_TwoReplicasEditSameFeature_LaterSyncWinsAndGenerationsGrow()
    {
        var (a, genA) = await CreateSyncReplica();
        var (b, genB) = await CreateSyncReplica();
        var first = await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("geometry", Area), ("inSR", "4326"), ("resultRecordCount", "1"), ("outFields", "GlobalID"));
        var gid = first.GetProperty("features")[0].GetProperty("attributes").GetProperty("GlobalID").GetString()!;

        var syncA = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", a), ("replicaServerGen", genA.ToString(CultureInfo.InvariantCulture)), ("edits", UpdateEdit(gid, "FROM-A")), ("transportType", "esriTransportTypeEmbedded"));
        var syncB = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", b), ("replicaServerGen", genB.ToString(CultureInfo.InvariantCulture)), ("edits", UpdateEdit(gid, "FROM-B")), ("transportType", "esriTransportTypeEmbedded"));
        var newA = syncA.GetProperty("replicaServerGen").GetInt64();
        var newB = syncB.GetProperty("replicaServerGen").GetInt64();
        Assert.True(newA > genA);
        Assert.True(newB > newA);
        // B's upload supersedes A's version of the row, so B has nothing to download; its edit wins on the server.
        Assert.Equal("esriReplicaResponseTypeNoEdits", syncB.GetProperty("responseType").GetString());
        var now = await Client.GetAsync(Fs + "/0/query", ("where", $"GlobalID = '{gid}'"), ("outFields", "ASSETID"));
        Assert.Equal("FROM-B", now.GetProperty("features")[0].GetProperty("attributes").GetProperty("ASSETID").GetString());

        // A syncs again and receives B's edit, with a still larger generation.
        var again = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", a), ("replicaServerGen", newA.ToString(CultureInfo.InvariantCulture)), ("transportType", "esriTransportTypeEmbedded"));
        Assert.True(again.GetProperty("replicaServerGen").GetInt64() > newB);
        var update = again.GetProperty("edits")[0].GetProperty("features").GetProperty("updates")[0];
        Assert.Equal("FROM-B", update.GetProperty("attributes").GetProperty("ASSETID").GetString());

        // Nothing new since then: NoEdits.
        var quiet = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", a), ("replicaServerGen", again.GetProperty("replicaServerGen").GetInt64().ToString(CultureInfo.InvariantCulture)));
        Assert.Equal("esriReplicaResponseTypeNoEdits", quiet.GetProperty("responseType").GetString());
    }

    [Fact]
    public async Task UnRegisteredReplica_CannotSync_AndPrePlannedCopySyncsAsItself()
    {
        var (id, gen) = await CreateSyncReplica();
        var copy = await Client.PostAsync(Fs + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"), ("syncModel", "perReplica"),
            ("replicaOptions", $$"""{"refReplicaId":"{{id}}"}"""), ("replicaName", "device-1"));
        Assert.Equal("esriReplicaResponseTypeInfo", copy.GetProperty("responseType").GetString());
        var copyId = copy.GetProperty("replicaID").GetString()!;
        Assert.NotEqual(id, copyId);
        Assert.Equal(gen, copy.GetProperty("replicaServerGen").GetInt64());
        Assert.False(copy.TryGetProperty("layers", out _));

        var gone = await Client.PostAsync(Fs + "/unRegisterReplica", ("replicaID", id));
        Assert.True(gone.GetProperty("success").GetBoolean());
        var refused = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("replicaServerGen", gen.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(400, SamplePortalClient.ErrorCode(refused));

        var synced = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", copyId), ("replicaServerGen", gen.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(copyId, synced.GetProperty("replicaID").GetString());
        Assert.True(synced.GetProperty("replicaServerGen").GetInt64() > gen);
    }

    [Fact]
    public async Task CreateReplica_Async_StatusAtBothUrlsThenResultFile()
    {
        var submitted = await Client.PostAsync(Fs + "/createReplica", ("layers", "0,3"), ("geometry", Area), ("inSR", "4326"), ("syncModel", "perLayer"), ("async", "true"), ("returnAttachments", "true"), ("returnAttachmentsDataByUrl", "false"));
        var statusUrl = submitted.GetProperty("statusUrl").GetString()!;
        JsonElement status = default;
        for (var i = 0; i < 200; i++)
        {
            status = await Client.GetAsync(statusUrl + (i % 2 == 0 ? "" : "/status"));
            if (status.GetProperty("status").GetString() is "Completed" or "Failed")
            {
                break;
            }
            await Task.Delay(50);
        }
        Assert.Equal("Completed", status.GetProperty("status").GetString());
        var file = JsonDocument.Parse(await Client.Http.GetStringAsync(status.GetProperty("resultUrl").GetString())).RootElement;
        Assert.Equal(2, file.GetProperty("layerServerGens").GetArrayLength());
        var attachments = Layer(file, 0).GetProperty("attachments");
        Assert.True(attachments.GetArrayLength() > 0);
        var bytes = Convert.FromBase64String(attachments[0].GetProperty("data").GetString()!);
        Assert.Equal(0xFF, bytes[0]);
        Assert.Equal(0xD8, bytes[1]);
    }

    [Fact]
    public async Task CreateReplica_NonSyncServiceOrBadOptions_AnswerErrors()
    {
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Client.Fs("CriticalCustomers") + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"), ("returnAttachments", "true"), ("attachmentsSyncDirection", "none"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"), ("returnAttachments", "false"), ("attachmentsSyncDirection", "bidirectional"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"), ("dataFormat", "sqlite"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"), ("layerQueries", "{not json"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/createReplica", ("layers", "9"), ("geometry", Area), ("inSR", "4326"))));
        Assert.Equal(405, SamplePortalClient.ErrorCode(await Client.GetAsync(Fs + "/createReplica")));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.GetAsync(Fs + "/replicas/00000000-0000-0000-0000-000000000000")));
        Assert.Empty((await Client.GetAsync(Fs + "/replicas")).EnumerateArray());
    }

    [Theory]
    [InlineData("1=1; DROP TABLE hydrants")]
    [InlineData("OBJECTID IN (SELECT OBJECTID FROM hydrants)")]
    [InlineData("1=1 -- comment")]
    [InlineData("1=1 /* comment */")]
    [InlineData("NOSUCHFIELD = 1")]
    [InlineData("load_extension('x') = 1")]
    [InlineData("STATUS = 'InService' OR")]
    public async Task HostileWhere_AnswersErrorAndChangesNothing(string where)
    {
        var before = await Client.CountAsync("WaterNetwork", 0);
        var answer = await Client.GetAsync(Fs + "/0/query", ("where", where));
        Assert.Equal(400, SamplePortalClient.ErrorCode(answer));
        var deleted = await Client.PostAsync(Fs + "/0/deleteFeatures", ("where", where));
        Assert.Equal(400, SamplePortalClient.ErrorCode(deleted));
        Assert.Equal(before, await Client.CountAsync("WaterNetwork", 0));
    }

    [Fact]
    public async Task Where_SupportedSubset_Works()
    {
        var total = await Client.CountAsync("WaterNetwork", 0);
        var inService = await Client.CountAsync("WaterNetwork", 0, "status = 'InService'");
        Assert.Equal(total - inService, await Client.CountAsync("WaterNetwork", 0, "NOT (STATUS = 'InService') OR STATUS IS NULL"));
        Assert.Equal(inService, await Client.CountAsync("WaterNetwork", 0, "UPPER(STATUS) IN ('INSERVICE')"));
        Assert.True(await Client.CountAsync("WaterNetwork", 0, "INSTALLDATE < date '2000-01-01' AND FLOWRATE BETWEEN 500 AND 2000 AND ASSETID LIKE 'HYD-%'") > 0);
    }

    [Fact]
    public async Task BadInput_AnswersErrorEnvelopesAndChangesNothing()
    {
        var before = await Client.CountAsync("WaterNetwork", 0);
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.GetAsync(Fs + "/7/query", ("where", "1=1"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.GetAsync(Fs + "/0/query", ("geometry", "{bad"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/0/applyEdits", ("adds", "[{\"attributes\":{\"NOPE\":1},\"geometry\":{\"x\":0,\"y\":0}}]"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/0/applyEdits", ("adds", "not json"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Client.Fs("PressureZones") + "/0/applyEdits", ("deletes", "1"))));
        Assert.Equal(before, await Client.CountAsync("WaterNetwork", 0));
        Assert.Equal(6, await Client.CountAsync("PressureZones", 0));
    }

    [Fact]
    public async Task Search_WebMapIdiomPagingAndSorting()
    {
        var maps = await Client.GetAsync(Server.PortalUrl + "/search", ("q", "type:\"Web Map\" -type:\"Web Mapping Application\""), ("num", "3"), ("sortField", "title"));
        Assert.Equal(4, maps.GetProperty("total").GetInt32());
        Assert.Equal(4, maps.GetProperty("nextStart").GetInt32());
        Assert.Equal("Hydrant Maintenance", maps.GetProperty("results")[0].GetProperty("title").GetString());
        var last = await Client.GetAsync(Server.PortalUrl + "/search", ("q", "type:\"Web Map\""), ("start", "4"), ("num", "3"));
        Assert.Equal(-1, last.GetProperty("nextStart").GetInt32());
        var offline = await Client.GetAsync(Server.PortalUrl + "/search", ("q", "(typekeywords:Offline AND tags:valves) OR id:" + SampleItemIds.RetiredNetworkMap));
        Assert.Equal(2, offline.GetProperty("total").GetInt32());
        var thumb = await Client.Http.GetByteArrayAsync($"{Server.PortalUrl}/content/items/{SampleItemIds.NetworkOverviewMap}/info/thumbnail/thumbnail.png");
        Assert.Equal(0x89, thumb[0]);
    }

    [Fact]
    public async Task Edits_PersistAcrossRestart()
    {
        var add = await Client.PostAsync(Fs + "/0/applyEdits", ("adds", "[{\"attributes\":{\"ASSETID\":\"PERSIST\"},\"geometry\":{\"x\":-122.71,\"y\":42.19,\"spatialReference\":{\"wkid\":4326}}}]"));
        Assert.True(add.GetProperty("addResults")[0].GetProperty("success").GetBoolean());
        await RestartAsync();
        Assert.Equal(1, await Client.CountAsync("WaterNetwork", 0, "ASSETID = 'PERSIST'"));
    }

    [Fact]
    public async Task Faults_BurstErrorsAndDroppedConnections()
    {
        var faults = Server.Services.GetRequiredService<SamplePortalFaults>();
        faults.FailNext(2, "/query");
        using var r1 = await Client.Http.GetAsync(Fs + "/0/query?where=1%3D1&returnCountOnly=true&f=json");
        using var r2 = await Client.Http.GetAsync(Fs + "/0/query?where=1%3D1&returnCountOnly=true&f=json");
        Assert.Equal(503, (int)r1.StatusCode);
        Assert.Equal(503, (int)r2.StatusCode);
        Assert.True((await Client.GetAsync(Fs)).TryGetProperty("layers", out _));
        Assert.Equal(1500, await Client.CountAsync("WaterNetwork", 0));

        faults.DropConnectionRate = 1;
        faults.DropAfterBytes = 100;
        faults.DropPathContains = "FeatureServer/0";
        await Assert.ThrowsAnyAsync<Exception>(() => Client.Http.GetStringAsync(Fs + "/0?f=json"));
        faults.Reset();
        Assert.True((await Client.GetAsync(Fs + "/0")).TryGetProperty("fields", out _));
    }

    [Fact]
    public async Task Security_TokensRequiredExpiredAndBearerHeader()
    {
        await using var secured = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = 50;
            o.Security.Enabled = true;
            o.Security.Users.Add(new SamplePortalUser { Username = "crew", Password = "secret" });
        });
        using var c = new SamplePortalClient(secured);
        Assert.Equal(499, SamplePortalClient.ErrorCode(await c.GetAsync(c.Fs("WaterNetwork"))));
        var info = await c.GetAsync(secured.PortalUrl + "/info");
        Assert.True(info.GetProperty("authInfo").GetProperty("isTokenBasedSecurity").GetBoolean());
        var token = (await c.PostAsync(secured.PortalUrl + "/generateToken", ("username", "crew"), ("password", "secret"), ("client", "requestip"))).GetProperty("token").GetString()!;
        Assert.Equal(0, SamplePortalClient.ErrorCode(await c.GetAsync(c.Fs("WaterNetwork"), ("token", token))));
        using (var request = new HttpRequestMessage(HttpMethod.Get, c.Fs("WaterNetwork") + "/0?f=json"))
        {
            request.Headers.Add("X-Esri-Authorization", "Bearer " + token);
            using var response = await c.Http.SendAsync(request);
            Assert.Equal(0, SamplePortalClient.ErrorCode(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement));
        }
        secured.Services.GetRequiredService<SamplePortalFaults>().ExpireAllTokens();
        Assert.Equal(498, SamplePortalClient.ErrorCode(await c.GetAsync(c.Fs("WaterNetwork"), ("token", token))));
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_FailsWithClearMessage()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => SamplePortalServer.StartAsync(o => { o.HydrantCount = 1; o.Security.Enabled = true; }));
        Assert.Contains("HydrantCount", e.Message, StringComparison.Ordinal);
        Assert.Contains("Users", e.Message, StringComparison.Ordinal);
    }
}
