using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OfflinePortal.SamplePortal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>
/// createReplica and synchronizeReplica variants over real HTTP: rollbackOnFailure, syncDirection, perLayer syncLayers,
/// async sync, attachment edits, closeReplica, both transports, registering existing data, and unknown replica ids.
/// </summary>
public sealed class ReplicaSyncTests() : SamplePortalServerTests("sample-sync", 800)
{
    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);

    private async Task<JsonElement> CreateAsync(string layers, string syncModel, params (string Key, string Value)[] extra)
    {
        var created = await Client.PostAsync(Fs + "/createReplica", [("layers", layers), ("geometry", Area), ("inSR", "4326"), ("syncModel", syncModel),
            ("transportType", "esriTransportTypeUrl"), ("replicaName", "sync-test"), .. extra]);
        Assert.Equal(0, SamplePortalClient.ErrorCode(created));
        return JsonDocument.Parse(await Client.Http.GetStringAsync(created.GetProperty("URL").GetString())).RootElement.Clone();
    }

    /// <summary>A perReplica replica of hydrants in the area: its id and generation.</summary>
    private async Task<(string Id, long Gen)> PerReplicaAsync(params (string Key, string Value)[] extra)
    {
        var data = await CreateAsync("0", "perReplica", extra);
        return (data.GetProperty("replicaID").GetString()!, data.GetProperty("replicaServerGen").GetInt64());
    }

    /// <summary>GlobalIDs and object ids of features of a layer inside the area, in object id order.</summary>
    private async Task<List<(long Oid, string Gid)>> InAreaAsync(int layer, int count)
    {
        var page = await Client.GetAsync($"{Fs}/{layer}/query", ("where", "1=1"), ("geometry", Area), ("inSR", "4326"), ("outFields", "OBJECTID,GlobalID"),
            ("orderByFields", "OBJECTID"), ("resultRecordCount", Text(count)), ("returnGeometry", "false"));
        var list = page.GetProperty("features").EnumerateArray()
            .Select(f => (f.GetProperty("attributes").GetProperty("OBJECTID").GetInt64(), f.GetProperty("attributes").GetProperty("GlobalID").GetString()!)).ToList();
        Assert.Equal(count, list.Count);
        return list;
    }

    private async Task<string?> AssetIdAsync(int layer, string gid)
    {
        var q = await Client.GetAsync($"{Fs}/{layer}/query", ("where", $"GlobalID = '{gid}'"), ("outFields", "ASSETID"), ("returnGeometry", "false"));
        return q.GetProperty("features")[0].GetProperty("attributes").GetProperty("ASSETID").GetString();
    }

    /// <summary>An edit made on the server by someone else (layer applyEdits), as another crew would.</summary>
    private async Task ServerEditAsync(int layer, long oid, string assetId)
    {
        var r = await Client.PostAsync($"{Fs}/{layer}/applyEdits", ("updates", $$$"""[{"attributes":{"OBJECTID":{{{oid}}},"ASSETID":"{{{assetId}}}"}}]"""));
        Assert.True(r.GetProperty("updateResults")[0].GetProperty("success").GetBoolean(), r.GetRawText());
    }

    private static string Updates(int layer, params (string Gid, string Field, string Value)[] updates) =>
        $$$"""[{"id":{{{layer}}},"features":{"adds":[],"updates":[{{{string.Join(",", updates.Select(u => $$$"""{"attributes":{"GlobalID":"{{{u.Gid}}}","{{{u.Field}}}":"{{{u.Value}}}"}}"""))}}}],"deleteIds":[]}}]""";

    private Task<JsonElement> SyncAsync(string id, long gen, params (string Key, string Value)[] extra) =>
        Client.PostAsync(Fs + "/synchronizeReplica", [("replicaID", id), ("replicaServerGen", Text(gen)), ("transportType", "esriTransportTypeEmbedded"), .. extra]);

    private static IEnumerable<JsonElement> DownloadedUpdates(JsonElement sync, int layer) =>
        sync.TryGetProperty("edits", out var edits)
            ? edits.EnumerateArray().Where(e => e.GetProperty("id").GetInt32() == layer).SelectMany(e => e.GetProperty("features").GetProperty("updates").EnumerateArray())
            : [];

    private static HashSet<string> DownloadedGids(JsonElement sync, int layer) =>
        [.. DownloadedUpdates(sync, layer).Select(u => u.GetProperty("attributes").GetProperty("GlobalID").GetString()!)];

    private async Task<long> ReplicaGenAsync(string id) => (await Client.GetAsync($"{Fs}/replicas/{id}")).GetProperty("replicaServerGen").GetInt64();

    [Fact]
    public async Task Sync_RollbackOnFailureTrue_OneBadEdit_NothingAppliedAndEachFailureReported()
    {
        var (id, gen) = await PerReplicaAsync();
        var f = await InAreaAsync(0, 3);
        var edits = Updates(0, (f[0].Gid, "ASSETID", "GOOD-1"), (f[1].Gid, "NOSUCHFIELD", "x"), (f[2].Gid, "ALSONOTAFIELD", "y"));

        var answer = await SyncAsync(id, gen, ("edits", edits), ("rollbackOnFailure", "true"));

        Assert.Equal(400, SamplePortalClient.ErrorCode(answer));
        var details = answer.GetProperty("error").GetProperty("details").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Contains(details, d => d.Contains(f[1].Gid, StringComparison.OrdinalIgnoreCase) && d.Contains("NOSUCHFIELD", StringComparison.Ordinal));
        Assert.Contains(details, d => d.Contains(f[2].Gid, StringComparison.OrdinalIgnoreCase) && d.Contains("ALSONOTAFIELD", StringComparison.Ordinal));
        Assert.DoesNotContain(details, d => d.Contains(f[0].Gid, StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual("GOOD-1", await AssetIdAsync(0, f[0].Gid));
        Assert.Equal(gen, await ReplicaGenAsync(id));
    }

    [Fact]
    public async Task Sync_RollbackOnFailureFalse_GoodEditsAppliedAndBadOnesReportedPerEdit()
    {
        var (id, gen) = await PerReplicaAsync();
        var f = await InAreaAsync(0, 3);
        var edits = Updates(0, (f[0].Gid, "ASSETID", "GOOD-1"), (f[1].Gid, "NOSUCHFIELD", "x"), (f[2].Gid, "ASSETID", "GOOD-3"));

        var answer = await SyncAsync(id, gen, ("edits", edits), ("rollbackOnFailure", "false"));

        Assert.Equal(0, SamplePortalClient.ErrorCode(answer));
        var results = answer.GetProperty("editResults")[0].GetProperty("updateResults").EnumerateArray().ToList();
        Assert.Equal([true, false, true], results.Select(r => r.GetProperty("success").GetBoolean()));
        Assert.True(results[1].GetProperty("error").GetProperty("code").GetInt32() > 0);
        Assert.Equal("GOOD-1", await AssetIdAsync(0, f[0].Gid));
        Assert.Equal("GOOD-3", await AssetIdAsync(0, f[2].Gid));
        Assert.True(answer.GetProperty("replicaServerGen").GetInt64() > gen);
    }

    [Fact]
    public async Task Sync_UploadOnly_AppliesEditsDownloadsNothingAndTheSkippedChangeComesLater()
    {
        var (id, gen) = await PerReplicaAsync();
        var f = await InAreaAsync(0, 2);
        await ServerEditAsync(0, f[0].Oid, "BY-OFFICE");

        var up = await SyncAsync(id, gen, ("edits", Updates(0, (f[1].Gid, "ASSETID", "BY-CREW"))), ("syncDirection", "upload"));

        Assert.Equal(0, SamplePortalClient.ErrorCode(up));
        Assert.Equal("esriReplicaResponseTypeNoEdits", up.GetProperty("responseType").GetString());
        Assert.False(up.TryGetProperty("edits", out _));
        Assert.Equal("BY-CREW", await AssetIdAsync(0, f[1].Gid));

        // The office's edit was not downloaded, so the next download must still bring it.
        var down = await SyncAsync(id, up.GetProperty("replicaServerGen").GetInt64(), ("syncDirection", "download"));
        Assert.Contains(f[0].Gid, DownloadedGids(down, 0));
        Assert.Equal("BY-OFFICE", DownloadedUpdates(down, 0).First(u => u.GetProperty("attributes").GetProperty("GlobalID").GetString() == f[0].Gid)
            .GetProperty("attributes").GetProperty("ASSETID").GetString());
    }

    [Fact]
    public async Task Sync_DownloadOnly_RefusesUploadsAndDownloadsChanges()
    {
        var (id, gen) = await PerReplicaAsync();
        var f = await InAreaAsync(0, 2);
        await ServerEditAsync(0, f[0].Oid, "BY-OFFICE");
        var before = await AssetIdAsync(0, f[1].Gid);

        var refused = await SyncAsync(id, gen, ("edits", Updates(0, (f[1].Gid, "ASSETID", "BY-CREW"))), ("syncDirection", "download"));
        Assert.Equal(400, SamplePortalClient.ErrorCode(refused));
        Assert.Equal(before, await AssetIdAsync(0, f[1].Gid));
        Assert.Equal(gen, await ReplicaGenAsync(id));

        var down = await SyncAsync(id, gen, ("syncDirection", "download"));
        Assert.Equal("esriReplicaResponseTypeEdits", down.GetProperty("responseType").GetString());
        Assert.Equal([f[0].Gid], DownloadedGids(down, 0));
        Assert.True(down.GetProperty("replicaServerGen").GetInt64() > gen);
    }

    [Fact]
    public async Task Sync_PerLayerWithSyncLayers_OnlyListedLayersSyncAndAdvance()
    {
        var data = await CreateAsync("0,1", "perLayer");
        var id = data.GetProperty("replicaID").GetString()!;
        var gens = data.GetProperty("layerServerGens").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetInt32(), g => g.GetProperty("serverGen").GetInt64());
        var hydrant = (await InAreaAsync(0, 1))[0];
        var valve = (await InAreaAsync(1, 1))[0];
        await ServerEditAsync(0, hydrant.Oid, "H-OFFICE");
        await ServerEditAsync(1, valve.Oid, "V-OFFICE");

        var onlyHydrants = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("transportType", "esriTransportTypeEmbedded"),
            ("syncLayers", $$"""[{"id":0,"serverGen":{{gens[0]}},"syncDirection":"bidirectional"}]"""));

        Assert.Equal(0, SamplePortalClient.ErrorCode(onlyHydrants));
        Assert.Equal([hydrant.Gid], DownloadedGids(onlyHydrants, 0));
        Assert.Empty(DownloadedGids(onlyHydrants, 1));
        var after = onlyHydrants.GetProperty("layerServerGens").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetInt32(), g => g.GetProperty("serverGen").GetInt64());
        Assert.True(after[0] > gens[0]);
        Assert.Equal(gens[1], after[1]);

        var onlyValves = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("transportType", "esriTransportTypeEmbedded"),
            ("syncLayers", $$"""[{"id":1,"serverGen":{{gens[1]}},"syncDirection":"download"}]"""));
        Assert.Equal([valve.Gid], DownloadedGids(onlyValves, 1));
        Assert.Empty(DownloadedGids(onlyValves, 0));
        var info = await Client.GetAsync($"{Fs}/replicas/{id}");
        var stored = info.GetProperty("layerServerGens").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetInt32(), g => g.GetProperty("serverGen").GetInt64());
        Assert.Equal(after[0], stored[0]);
        Assert.True(stored[1] > gens[1]);

        // An upload-only layer downloads nothing, so its generation stays where the client said it was.
        await ServerEditAsync(1, valve.Oid, "V-OFFICE-2");
        var uploadOnly = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("transportType", "esriTransportTypeEmbedded"),
            ("syncLayers", $$"""[{"id":1,"serverGen":{{stored[1]}},"syncDirection":"upload"}]"""));
        Assert.Empty(DownloadedGids(uploadOnly, 1));
        var kept = uploadOnly.GetProperty("layerServerGens").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetInt32(), g => g.GetProperty("serverGen").GetInt64());
        Assert.Equal(stored[1], kept[1]);
        var later = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("transportType", "esriTransportTypeEmbedded"),
            ("syncLayers", $$"""[{"id":1,"serverGen":{{kept[1]}},"syncDirection":"download"}]"""));
        Assert.Equal([valve.Gid], DownloadedGids(later, 1));
    }

    private async Task<JsonElement> WaitForJobAsync(string statusUrl)
    {
        // Bounded, but generous: the machine may be busy; a finished job ends the loop at once.
        for (var i = 0; i < 2400; i++)
        {
            var status = await Client.GetAsync(statusUrl + (i % 2 == 0 ? "" : "/status"));
            if (status.GetProperty("status").GetString() is "Completed" or "Failed")
            {
                return status;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException("the sync job did not finish");
    }

    [Fact]
    public async Task Sync_Async_StatusUrlThenResultUrlWithTheDownloadedChanges()
    {
        var (id, gen) = await PerReplicaAsync();
        var f = await InAreaAsync(0, 2);
        await ServerEditAsync(0, f[0].Oid, "BY-OFFICE");

        var submitted = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("replicaServerGen", Text(gen)), ("async", "true"),
            ("edits", Updates(0, (f[1].Gid, "ASSETID", "BY-CREW"))));
        var status = await WaitForJobAsync(submitted.GetProperty("statusUrl").GetString()!);

        Assert.True(status.GetProperty("status").GetString() == "Completed", status.GetRawText());
        Assert.Equal(id, status.GetProperty("replicaID").GetString());
        Assert.Equal("esriReplicaResponseTypeEdits", status.GetProperty("responseType").GetString());
        var result = JsonDocument.Parse(await Client.Http.GetStringAsync(status.GetProperty("resultUrl").GetString())).RootElement;
        Assert.Equal([f[0].Gid], DownloadedGids(result, 0));
        Assert.True(result.GetProperty("replicaServerGen").GetInt64() > gen);
        Assert.Equal("BY-CREW", await AssetIdAsync(0, f[1].Gid));

        var failing = await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("replicaServerGen", Text(gen)), ("async", "true"),
            ("edits", Updates(0, (f[1].Gid, "NOSUCHFIELD", "x"))));
        var failed = await WaitForJobAsync(failing.GetProperty("statusUrl").GetString()!);
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Contains("NOSUCHFIELD", failed.GetProperty("error").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> AttachmentsAsync(long oid) =>
        [.. (await Client.GetAsync($"{Fs}/0/{oid}/attachments")).GetProperty("attachmentInfos").EnumerateArray()];

    [Fact]
    public async Task Sync_AttachmentAddsAndDeletes_AreApplied()
    {
        var (id, gen) = await PerReplicaAsync(("returnAttachments", "true"), ("attachmentsSyncDirection", "bidirectional"));
        var withPhoto = await Client.GetAsync(Fs + "/0/queryAttachments", ("objectIds", string.Join(",", (await InAreaAsync(0, 40)).Select(x => x.Oid))));
        var group = withPhoto.GetProperty("attachmentGroups")[0];
        var oid = group.GetProperty("parentObjectId").GetInt64();
        var parent = group.GetProperty("parentGlobalId").GetString()!;
        var existing = group.GetProperty("attachmentInfos")[0];
        var existingGid = existing.GetProperty("globalId").GetString()!;
        var before = await AttachmentsAsync(oid);
        var newGid = "{" + Guid.NewGuid().ToString().ToUpperInvariant() + "}";
        var edits = $$$"""
            [{"id":0,"features":{"adds":[],"updates":[],"deleteIds":[]},
              "attachments":{"adds":[{"globalId":"{{{newGid}}}","parentGlobalId":"{{{parent}}}","name":"crew.jpg","contentType":"image/jpeg","data":"{{{Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xD9])}}}"}],
                             "updates":[],"deleteIds":["{{{existingGid}}}"]}}]
            """;

        var answer = await SyncAsync(id, gen, ("edits", edits));

        Assert.Equal(0, SamplePortalClient.ErrorCode(answer));
        var att = answer.GetProperty("editResults")[0].GetProperty("attachments");
        Assert.True(att.GetProperty("addResults")[0].GetProperty("success").GetBoolean());
        Assert.True(att.GetProperty("deleteResults")[0].GetProperty("success").GetBoolean());
        var now = await AttachmentsAsync(oid);
        Assert.Equal(before.Count, now.Count);
        Assert.DoesNotContain(now, a => a.GetProperty("globalId").GetString() == existingGid);
        var added = now.Single(a => a.GetProperty("name").GetString() == "crew.jpg");
        Assert.Equal(newGid, added.GetProperty("globalId").GetString(), ignoreCase: true);
        var bytes = await Client.Http.GetByteArrayAsync($"{Fs}/0/{oid}/attachments/{added.GetProperty("id").GetInt64()}");
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xD9], bytes);
    }

    [Fact]
    public async Task Sync_CloseReplica_UnregistersAfterTheSync()
    {
        var (id, gen) = await PerReplicaAsync();
        var f = await InAreaAsync(0, 1);

        var closed = await SyncAsync(id, gen, ("edits", Updates(0, (f[0].Gid, "ASSETID", "LAST-SYNC"))), ("closeReplica", "true"));

        Assert.Equal(0, SamplePortalClient.ErrorCode(closed));
        Assert.Equal("LAST-SYNC", await AssetIdAsync(0, f[0].Gid));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.GetAsync($"{Fs}/replicas/{id}")));
        Assert.DoesNotContain((await Client.GetAsync(Fs + "/replicas")).EnumerateArray(), r => r.GetProperty("replicaID").GetString() == id);
        Assert.Equal(400, SamplePortalClient.ErrorCode(await SyncAsync(id, closed.GetProperty("replicaServerGen").GetInt64())));
    }

    [Fact]
    public async Task Sync_UnknownReplicaWithEdits_AnswersErrorAndChangesNothing()
    {
        var f = await InAreaAsync(0, 1);
        var before = await AssetIdAsync(0, f[0].Gid);
        var count = await Client.CountAsync("WaterNetwork", 0);
        var edits = $$$"""[{"id":0,"features":{"adds":[{"attributes":{"ASSETID":"GHOST"},"geometry":{"x":-13661000,"y":5189000}}],"updates":[{"attributes":{"GlobalID":"{{{f[0].Gid}}}","ASSETID":"GHOST"}}],"deleteIds":[]}}]""";

        var answer = await SyncAsync("{00000000-0000-0000-0000-000000000001}", 1, ("edits", edits));

        Assert.Equal(400, SamplePortalClient.ErrorCode(answer));
        Assert.Equal(before, await AssetIdAsync(0, f[0].Gid));
        Assert.Equal(count, await Client.CountAsync("WaterNetwork", 0));
        Assert.Equal(0, await Client.CountAsync("WaterNetwork", 0, "ASSETID = 'GHOST'"));
    }

    [Fact]
    public async Task UnRegisterReplica_UnknownId_AnswersErrorEnvelope()
    {
        var (id, _) = await PerReplicaAsync();

        var answer = await Client.PostAsync(Fs + "/unRegisterReplica", ("replicaID", "{00000000-0000-0000-0000-000000000002}"));

        Assert.Equal(400, SamplePortalClient.ErrorCode(answer));
        var error = answer.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.Array, error.GetProperty("details").ValueKind);
        Assert.Equal(400, SamplePortalClient.ErrorCode(await Client.PostAsync(Fs + "/unRegisterReplica")));
        Assert.Contains((await Client.GetAsync(Fs + "/replicas")).EnumerateArray(), r => r.GetProperty("replicaID").GetString() == id);
    }

    [Theory]
    [InlineData("esriTransportTypeEmbedded", "perReplica")]
    [InlineData("esriTransportTypeEmbedded", "perLayer")]
    [InlineData("esriTransportTypeUrl", "perReplica")]
    [InlineData("esriTransportTypeUrl", "perLayer")]
    public async Task CreateReplica_TransportAndSyncModel_DataGenerationsAndRegistration(string transport, string syncModel)
    {
        var answer = await Client.PostAsync(Fs + "/createReplica", ("layers", "0,1"), ("geometry", Area), ("inSR", "4326"), ("syncModel", syncModel),
            ("transportType", transport), ("replicaName", "transport-test"));
        Assert.Equal(0, SamplePortalClient.ErrorCode(answer));
        Assert.Equal(transport, answer.GetProperty("transportType").GetString(), ignoreCase: true);
        JsonElement data;
        if (transport == "esriTransportTypeUrl")
        {
            Assert.False(answer.TryGetProperty("layers", out _));
            data = JsonDocument.Parse(await Client.Http.GetStringAsync(answer.GetProperty("URL").GetString())).RootElement;
        }
        else
        {
            Assert.False(answer.TryGetProperty("URL", out _));
            data = answer;
        }

        Assert.Equal("esriReplicaResponseTypeData", data.GetProperty("responseType").GetString());
        Assert.Equal(syncModel, data.GetProperty("syncModel").GetString());
        var id = data.GetProperty("replicaID").GetString()!;
        foreach (var layer in new[] { 0, 1 })
        {
            var features = data.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("id").GetInt32() == layer).GetProperty("features").GetArrayLength();
            var expected = await Client.GetAsync($"{Fs}/{layer}/query", ("geometry", Area), ("inSR", "4326"), ("returnCountOnly", "true"));
            Assert.Equal(expected.GetProperty("count").GetInt64(), features);
        }
        var info = await Client.GetAsync($"{Fs}/replicas/{id}");
        Assert.Equal(syncModel, info.GetProperty("syncModel").GetString());
        if (syncModel == "perReplica")
        {
            Assert.False(data.TryGetProperty("layerServerGens", out _));
            Assert.Equal(data.GetProperty("replicaServerGen").GetInt64(), info.GetProperty("replicaServerGen").GetInt64());
        }
        else
        {
            Assert.False(data.TryGetProperty("replicaServerGen", out _));
            var gens = data.GetProperty("layerServerGens").EnumerateArray().Select(g => (g.GetProperty("id").GetInt32(), g.GetProperty("serverGen").GetInt64())).ToList();
            Assert.Equal([0, 1], gens.Select(g => g.Item1));
            Assert.Equal(gens, info.GetProperty("layerServerGens").EnumerateArray().Select(g => (g.GetProperty("id").GetInt32(), g.GetProperty("serverGen").GetInt64())));
        }
    }

    [Theory]
    [InlineData("perReplica")]
    [InlineData("perLayer")]
    public async Task CreateReplica_RegisterExistingData_TakesTheCurrentGenerationAndSyncsOnlyLaterChanges(string syncModel)
    {
        var f = await InAreaAsync(0, 2);
        await ServerEditAsync(0, f[0].Oid, "BEFORE-COPY");

        var registered = await Client.PostAsync(Fs + "/createReplica", ("layers", "0"), ("geometry", Area), ("inSR", "4326"), ("syncModel", syncModel),
            ("replicaName", "pre-planned"), ("replicaOptions", """{"registerExistingData":true}"""));

        Assert.Equal(0, SamplePortalClient.ErrorCode(registered));
        Assert.Equal("esriReplicaResponseTypeInfo", registered.GetProperty("responseType").GetString());
        Assert.False(registered.TryGetProperty("layers", out _));
        Assert.False(registered.TryGetProperty("URL", out _));
        var id = registered.GetProperty("replicaID").GetString()!;
        long gen = syncModel == "perReplica"
            ? registered.GetProperty("replicaServerGen").GetInt64()
            : registered.GetProperty("layerServerGens")[0].GetProperty("serverGen").GetInt64();
        // The copy already holds the data as it is now: a fresh replica's generation is the same.
        var fresh = await CreateAsync("0", "perReplica");
        Assert.Equal(fresh.GetProperty("replicaServerGen").GetInt64(), gen);

        await ServerEditAsync(0, f[1].Oid, "AFTER-COPY");
        var sync = syncModel == "perReplica"
            ? await SyncAsync(id, gen)
            : await Client.PostAsync(Fs + "/synchronizeReplica", ("replicaID", id), ("transportType", "esriTransportTypeEmbedded"),
                ("syncLayers", $$"""[{"id":0,"serverGen":{{gen}}}]"""));

        Assert.Equal(0, SamplePortalClient.ErrorCode(sync));
        Assert.Equal([f[1].Gid], DownloadedGids(sync, 0));
    }
}
