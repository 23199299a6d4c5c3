using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>
/// Query details over real HTTP: orderByFields, inSR/outSR in Web Mercator, case-insensitive names and enum values,
/// returnIdsOnly, f=geojson; attachments (list, download, add, delete); service-level applyEdits.
/// </summary>
public sealed class QueryDetailTests() : SamplePortalServerTests("sample-query", 600)
{
    private List<long> SqlIds(string sql)
    {
        using var conn = new SqliteConnection($"Data Source={Store.DatabasePath};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var ids = new List<long>();
        while (r.Read())
        {
            ids.Add(r.GetInt64(0));
        }
        return ids;
    }

    private static List<JsonElement> Attributes(JsonElement answer) =>
        [.. answer.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("attributes"))];

    [Fact]
    public async Task Query_OrderByFields_OrdersAscDescAndByTwoFields()
    {
        var desc = Attributes(await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("outFields", "OBJECTID,FLOWRATE"), ("orderByFields", "FLOWRATE DESC"), ("returnGeometry", "false")));
        var flows = desc.Select(a => a.GetProperty("FLOWRATE").GetDouble()).ToList();
        Assert.Equal(600, flows.Count);
        Assert.Equal(flows.OrderDescending(), flows);
        Assert.NotEqual(flows.First(), flows.Last());

        var asc = Attributes(await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("outFields", "FLOWRATE"), ("orderByFields", "FLOWRATE ASC"), ("returnGeometry", "false")));
        Assert.Equal(flows.Order(), asc.Select(a => a.GetProperty("FLOWRATE").GetDouble()));

        var two = Attributes(await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("outFields", "OBJECTID"), ("orderByFields", "STATUS ASC, FLOWRATE DESC"), ("returnGeometry", "false")));
        Assert.Equal(SqlIds("SELECT OBJECTID FROM hydrants ORDER BY STATUS ASC, FLOWRATE DESC, OBJECTID"), two.Select(a => a.GetProperty("OBJECTID").GetInt64()));

        var idsDesc = Attributes(await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("outFields", "OBJECTID"), ("orderByFields", "OBJECTID DESC"), ("resultRecordCount", "5"), ("returnGeometry", "false")));
        Assert.Equal([600L, 599, 598, 597, 596], idsDesc.Select(a => a.GetProperty("OBJECTID").GetInt64()));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("orderByFields", "NOSUCHFIELD"))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.GetAsync(Fs + "/0/query", ("where", "1=1"), ("orderByFields", "FLOWRATE; DROP TABLE hydrants"))));
    }

    /// <summary>Web Mercator of lon -122.7, lat 42.19 (spherical formulas, R = 6378137), worked out independently of the server.</summary>
    private const double KnownX = -13658901.520334667, KnownY = 5189483.150022991;

    [Theory]
    [InlineData("3857")]
    [InlineData("102100")]
    public async Task Query_OutSrWebMercator_TransformsAKnownPoint(string outSr)
    {
        var add = await Client.PostAsync(Fs + "/0/applyEdits", ("adds", """[{"attributes":{"ASSETID":"KNOWN-POINT"},"geometry":{"x":-122.7,"y":42.19,"spatialReference":{"wkid":4326}}}]"""));
        Assert.True(add.GetProperty("addResults")[0].GetProperty("success").GetBoolean());

        var answer = await Client.GetAsync(Fs + "/0/query", ("where", "ASSETID = 'KNOWN-POINT'"), ("outSR", outSr));
        var g = answer.GetProperty("features")[0].GetProperty("geometry");
        Assert.Equal(KnownX, g.GetProperty("x").GetDouble(), 0.01);
        Assert.Equal(KnownY, g.GetProperty("y").GetDouble(), 0.01);
        var sr = answer.GetProperty("spatialReference");
        Assert.Equal(102100, sr.GetProperty("wkid").GetInt32());
        Assert.Equal(3857, sr.GetProperty("latestWkid").GetInt32());

        var degrees = await Client.GetAsync(Fs + "/0/query", ("where", "ASSETID = 'KNOWN-POINT'"), ("outSR", "4326"));
        var d = degrees.GetProperty("features")[0].GetProperty("geometry");
        Assert.Equal(-122.7, d.GetProperty("x").GetDouble(), 1e-9);
        Assert.Equal(42.19, d.GetProperty("y").GetDouble(), 1e-9);
    }

    [Theory]
    [InlineData("3857")]
    [InlineData("102100")]
    public async Task Query_InSrWebMercator_SelectsTheSameRowsAsDegrees(string inSr)
    {
        static double X(double lon) => 6378137 * lon * Math.PI / 180;
        static double Y(double lat) => 6378137 * Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360));
        var mercator = string.Create(CultureInfo.InvariantCulture, $"{X(-122.72):R},{Y(42.18):R},{X(-122.70):R},{Y(42.20):R}");

        var inDegrees = await Client.GetAsync(Fs + "/0/query", ("geometry", Area), ("inSR", "4326"), ("returnIdsOnly", "true"));
        var inMercator = await Client.GetAsync(Fs + "/0/query", ("geometry", mercator), ("inSR", inSr), ("returnIdsOnly", "true"));
        var envelopeJson = await Client.GetAsync(Fs + "/0/query", ("geometry", $$$"""{"xmin":{{{X(-122.72).ToString("R", CultureInfo.InvariantCulture)}}},"ymin":{{{Y(42.18).ToString("R", CultureInfo.InvariantCulture)}}},"xmax":{{{X(-122.70).ToString("R", CultureInfo.InvariantCulture)}}},"ymax":{{{Y(42.20).ToString("R", CultureInfo.InvariantCulture)}}},"spatialReference":{"wkid":{{{inSr}}}}}"""),
            ("geometryType", "esriGeometryEnvelope"), ("returnIdsOnly", "true"));

        var expected = inDegrees.GetProperty("objectIds").EnumerateArray().Select(e => e.GetInt64()).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, inMercator.GetProperty("objectIds").EnumerateArray().Select(e => e.GetInt64()).Order());
        Assert.Equal(expected, envelopeJson.GetProperty("objectIds").EnumerateArray().Select(e => e.GetInt64()).Order());
    }

    [Fact]
    public async Task Query_ParameterNamesAndEnumValues_AreCaseInsensitive()
    {
        var expected = await Client.CountAsync("WaterNetwork", 0, "STATUS = 'InService'");
        var upper = JsonDocument.Parse(await Client.Http.GetStringAsync(Fs + "/0/query?WHERE=STATUS%3D%27InService%27&RETURNCOUNTONLY=TRUE&F=JSON")).RootElement;
        Assert.Equal(expected, upper.GetProperty("count").GetInt64());
        var mixed = JsonDocument.Parse(await Client.Http.GetStringAsync(Fs + "/0/query?Where=1%3D1&ReturnIdsOnly=True&f=PJSON")).RootElement;
        Assert.Equal(600, mixed.GetProperty("objectIds").GetArrayLength());

        var byEnvelope = await Client.GetAsync(Fs + "/0/query", ("geometry", Area), ("inSR", "4326"), ("returnCountOnly", "true"));
        var shouting = await Client.GetAsync(Fs + "/0/query", ("GEOMETRY", Area), ("INSR", "4326"), ("GEOMETRYTYPE", "ESRIGEOMETRYENVELOPE"), ("SPATIALREL", "ESRISPATIALRELINTERSECTS"), ("RETURNCOUNTONLY", "true"));
        Assert.Equal(byEnvelope.GetProperty("count").GetInt64(), shouting.GetProperty("count").GetInt64());

        var replica = await Client.PostAsync(Fs + "/createReplica", ("LAYERS", "0"), ("GEOMETRY", Area), ("INSR", "4326"), ("SYNCMODEL", "PERLAYER"), ("TRANSPORTTYPE", "ESRITRANSPORTTYPEURL"));
        Assert.Equal(0, SamplePortalClient.ErrorCode(replica));
        var info = await Client.GetAsync($"{Fs}/replicas/{replica.GetProperty("replicaID").GetString()}");
        Assert.Equal("perLayer", info.GetProperty("syncModel").GetString());
    }

    [Fact]
    public async Task Query_ReturnIdsOnly_GivesExactlyTheMatchingIds()
    {
        var answer = await Client.GetAsync(Fs + "/0/query", ("where", "STATUS = 'NeedsRepair'"), ("returnIdsOnly", "true"));
        Assert.Equal("OBJECTID", answer.GetProperty("objectIdFieldName").GetString());
        Assert.False(answer.TryGetProperty("features", out _));
        Assert.Equal(SqlIds("SELECT OBJECTID FROM hydrants WHERE STATUS = 'NeedsRepair' ORDER BY OBJECTID"),
            answer.GetProperty("objectIds").EnumerateArray().Select(e => e.GetInt64()).Order());
    }

    [Fact]
    public async Task Query_GeoJson_IsAFeatureCollectionOfTheSameRows()
    {
        var json = await Client.GetAsync(Fs + "/0/query", ("where", "STATUS = 'Retired'"), ("outFields", "*"), ("outSR", "4326"));
        var geo = JsonDocument.Parse(await Client.Http.GetStringAsync(Fs + "/0/query?where=STATUS%3D%27Retired%27&outFields=*&f=geojson")).RootElement;
        Assert.Equal("FeatureCollection", geo.GetProperty("type").GetString());
        var features = geo.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(json.GetProperty("features").GetArrayLength(), features.Count);
        Assert.NotEmpty(features);
        var esri = json.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("attributes").GetProperty("OBJECTID").GetInt64());
        foreach (var f in features)
        {
            Assert.Equal("Feature", f.GetProperty("type").GetString());
            Assert.Equal("Point", f.GetProperty("geometry").GetProperty("type").GetString());
            var oid = f.GetProperty("properties").GetProperty("OBJECTID").GetInt64();
            Assert.Equal("Retired", f.GetProperty("properties").GetProperty("STATUS").GetString());
            var c = f.GetProperty("geometry").GetProperty("coordinates");
            Assert.Equal(esri[oid].GetProperty("geometry").GetProperty("x").GetDouble(), c[0].GetDouble(), 1e-9);
            Assert.Equal(esri[oid].GetProperty("geometry").GetProperty("y").GetDouble(), c[1].GetDouble(), 1e-9);
        }
    }

    private async Task<List<JsonElement>> AttachmentsAsync(long oid) =>
        [.. (await Client.GetAsync($"{Fs}/0/{oid}/attachments")).GetProperty("attachmentInfos").EnumerateArray()];

    [Fact]
    public async Task Attachments_ListDownloadAddDelete()
    {
        // Hydrant 4 has a generated photo (every tenth hydrant from the fourth).
        var listed = await AttachmentsAsync(4);
        Assert.NotEmpty(listed);
        var photo = listed[0];
        var bytes = await Client.Http.GetByteArrayAsync($"{Fs}/0/4/attachments/{photo.GetProperty("id").GetInt64()}");
        Assert.Equal(photo.GetProperty("size").GetInt64(), bytes.Length);
        Assert.Equal([0xFF, 0xD8], bytes[..2]);

        using (var form = new MultipartFormDataContent())
        {
            var file = new ByteArrayContent([1, 2, 3, 4, 5]);
            file.Headers.ContentType = new("application/octet-stream");
            form.Add(file, "attachment", "notes.bin");
            form.Add(new StringContent("json"), "f");
            using var response = await Client.Http.PostAsync($"{Fs}/0/4/addAttachment", form);
            var added = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(added.GetProperty("addAttachmentResult").GetProperty("success").GetBoolean());
        }
        var withNew = await AttachmentsAsync(4);
        Assert.Equal(listed.Count + 1, withNew.Count);
        var newOne = withNew.Single(a => a.GetProperty("name").GetString() == "notes.bin");
        Assert.Equal([1, 2, 3, 4, 5], await Client.Http.GetByteArrayAsync($"{Fs}/0/4/attachments/{newOne.GetProperty("id").GetInt64()}"));

        var ids = $"{photo.GetProperty("id").GetInt64()},{newOne.GetProperty("id").GetInt64()},987654";
        var deleted = await Client.PostAsync($"{Fs}/0/4/deleteAttachments", ("attachmentIds", ids));
        Assert.Equal([true, true, false], deleted.GetProperty("deleteAttachmentResults").EnumerateArray().Select(r => r.GetProperty("success").GetBoolean()));
        Assert.Equal(listed.Count - 1, (await AttachmentsAsync(4)).Count);
        using var gone = await Client.Http.GetAsync($"{Fs}/0/4/attachments/{photo.GetProperty("id").GetInt64()}?f=json");
        var body = await gone.Content.ReadAsStringAsync();
        Assert.True(!gone.IsSuccessStatusCode || SamplePortalClient.ErrorCode(JsonDocument.Parse(body).RootElement) != 0, body);
    }

    [Fact]
    public async Task ServiceApplyEdits_EditsSeveralLayersAndRollsBackTogether()
    {
        var before = await Client.CountAsync("WaterNetwork", 1);
        var edits = """
            [{"id":0,"adds":[{"attributes":{"ASSETID":"SVC-ADD"},"geometry":{"x":-122.71,"y":42.19,"spatialReference":{"wkid":4326}}}],"updates":[{"attributes":{"OBJECTID":2,"ASSETID":"SVC-UPD"}}]},
             {"id":1,"deletes":[1]}]
            """;
        var answer = await Client.PostAsync(Fs + "/applyEdits", ("edits", edits));
        Assert.Equal(JsonValueKind.Array, answer.ValueKind);
        var byLayer = answer.EnumerateArray().ToDictionary(l => l.GetProperty("id").GetInt32());
        Assert.True(byLayer[0].GetProperty("addResults")[0].GetProperty("success").GetBoolean());
        Assert.True(byLayer[0].GetProperty("updateResults")[0].GetProperty("success").GetBoolean());
        Assert.True(byLayer[1].GetProperty("deleteResults")[0].GetProperty("success").GetBoolean());
        Assert.Equal(1, await Client.CountAsync("WaterNetwork", 0, "ASSETID = 'SVC-ADD'"));
        Assert.Equal(1, await Client.CountAsync("WaterNetwork", 0, "ASSETID = 'SVC-UPD' AND OBJECTID = 2"));
        Assert.Equal(before - 1, await Client.CountAsync("WaterNetwork", 1));

        // One bad edit in one layer: with rollbackOnFailure (the default) no layer changes.
        var bad = """
            [{"id":0,"updates":[{"attributes":{"OBJECTID":3,"ASSETID":"SHOULD-NOT-STAY"}}]},
             {"id":1,"updates":[{"attributes":{"OBJECTID":2,"NOSUCHFIELD":1}}]}]
            """;
        var refused = await Client.PostAsync(Fs + "/applyEdits", ("edits", bad));
        Assert.NotEqual(JsonValueKind.Array, refused.ValueKind);
        Assert.NotEqual(0, SamplePortalClient.ErrorCode(refused));
        Assert.Equal(0, await Client.CountAsync("WaterNetwork", 0, "ASSETID = 'SHOULD-NOT-STAY'"));

        var partial = await Client.PostAsync(Fs + "/applyEdits", ("edits", bad), ("rollbackOnFailure", "false"));
        var results = partial.EnumerateArray().ToDictionary(l => l.GetProperty("id").GetInt32());
        Assert.True(results[0].GetProperty("updateResults")[0].GetProperty("success").GetBoolean());
        Assert.False(results[1].GetProperty("updateResults")[0].GetProperty("success").GetBoolean());
        Assert.Equal(1, await Client.CountAsync("WaterNetwork", 0, "ASSETID = 'SHOULD-NOT-STAY'"));

        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/applyEdits", ("edits", """[{"id":9,"deletes":[1]}]"""))));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/applyEdits", ("edits", "not json"))));
    }
}
