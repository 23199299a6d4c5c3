using System.Text;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Replicas;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.ArcGis;

public sealed class ReplicaJsonReaderTests : IDisposable
{
    // "Hello, replica!" in base64 is SGVsbG8sIHJlcGxpY2Eh; written here with a JSON-escaped slash-free split, a
    // line break and a \u escape, as some writers do.
    private const string InlineData = "SGVsbG8s\\nIHJlcGxp\\u0059\\u0032Eh";
    private static readonly byte[] InlineBytes = Encoding.ASCII.GetBytes("Hello, replica!");

    private static readonly string SpecShaped = $$$$"""
        {
          "replicaName": "crew-7",
          "replicaID": "{8324FBB9-C968-4703-921B-A5B77E8F0F03}",
          "transportType": "esriTransportTypeUrl",
          "responseType": "esriReplicaResponseTypeData",
          "syncModel": "perReplica",
          "replicaServerGen": "1742508821383",
          "layers": [
            { "id": 0, "features": [
                {"attributes": {"OBJECTID": 1, "GlobalID": "{A0000000-0000-4000-8000-000000000001}", "NAME": "Hydrant \"A\"", "PRESSURE": 4.5, "ACTIVE": true, "NOTE": null},
                 "geometry": {"x": 1113194.9, "y": 6800000.5, "z": 12.5, "spatialReference": {"wkid": 102100, "latestWkid": 3857}}},
                {"geometry": {"x": "NaN", "y": "NaN"}, "extra": {"deep": [1, {"x": 2}], "more": "text"},
                 "attributes": {"OBJECTID": 2, "GlobalID": "{A0000000-0000-4000-8000-000000000002}", "JSONVAL": {"k": [1, 2]}}}
              ],
              "attachments": [
                {"id": 11, "globalId": "{B0000000-0000-4000-8000-000000000011}", "parentGlobalId": "{A0000000-0000-4000-8000-000000000001}",
                 "contentType": "image/jpeg", "name": "photo.jpg", "size": 123, "url": "https://example.com/replicafiles/att11"},
                {"data": "{{{{InlineData}}}}", "attachmentId": 12, "name": "note.txt", "contentType": "text/plain",
                 "size": 15, "parentGlobalId": "{A0000000-0000-4000-8000-000000000002}", "globalId": "{B0000000-0000-4000-8000-000000000012}"}
              ] },
            { "id": 1, "features": [ {"attributes": {"OBJECTID": 7}, "geometry": {"hasM": true, "paths": [[[0,0,1],[10,0,2]],[[20,0,3],[30,0,4]]]}} ] },
            { "id": 2, "features": [ {"attributes": {"OBJECTID": 8}, "geometry": {"rings": [[[0,0],[0,10],[10,10],[10,0],[0,0]]]}} ] },
            { "id": 3, "features": [ {"attributes": {"OBJECTID": 9}, "geometry": {"points": [[1,2],[3,4]]}} ] },
            { "id": 4, "features": [ {"attributes": {"OBJECTID": 10, "INSPECTED": 1767225600000}} ], "attachments": [] }
          ]
        }
        """;

    private readonly string _temp = TestPaths.NewTempDirectory("replica-reader");

    public void Dispose() => TestPaths.DeleteQuietly(_temp);

    [Fact]
    public async Task Read_SpecShapedFile_YieldsEveryGeometryTypeAttachmentsAndHeader()
    {
        var items = await ReadAllAsync(SpecShaped);

        var features = items.OfType<ReplicaFeature>().ToList();
        Assert.Equal([0, 0, 1, 2, 3, 4], features.Select(f => f.LayerId));
        Assert.All(features, f => Assert.Equal(ReplicaChange.Data, f.Change));
        var hydrant = features[0].Feature;
        Assert.Equal(1L, hydrant.GetAttribute("OBJECTID"));
        Assert.Equal("Hydrant \"A\"", hydrant.GetAttribute("NAME"));
        Assert.Equal(4.5, hydrant.GetAttribute("PRESSURE"));
        Assert.Equal(true, hydrant.GetAttribute("ACTIVE"));
        Assert.True(hydrant.Attributes.ContainsKey("NOTE"));
        Assert.Null(hydrant.GetAttribute("NOTE"));
        Assert.Equal(new EsriPoint(1113194.9, 6800000.5, 12.5) { HasZ = true, SpatialReference = SpatialReference.WebMercator }, hydrant.Geometry);
        Assert.True(features[1].Feature.Geometry!.IsEmpty);
        Assert.Equal("""{"k": [1, 2]}""", features[1].Feature.GetAttribute("JSONVAL"));
        var line = Assert.IsType<EsriPolyline>(features[2].Feature.Geometry);
        Assert.True(line.HasM);
        Assert.Equal([30.0, 0.0, 4.0], line.Paths[1][1]);
        Assert.IsType<EsriPolygon>(features[3].Feature.Geometry);
        Assert.Equal(2, Assert.IsType<EsriMultipoint>(features[4].Feature.Geometry).Points.Count);
        Assert.Null(features[5].Feature.Geometry);
        Assert.Equal(1767225600000L, features[5].Feature.GetAttribute("INSPECTED"));

        var attachments = items.OfType<AttachmentSnapshot>().ToList();
        Assert.Equal(2, attachments.Count);
        Assert.Equal(11, attachments[0].Id);
        Assert.Equal("https://example.com/replicafiles/att11", attachments[0].Url);
        Assert.Null(attachments[0].Data);
        Assert.Equal(12, attachments[1].Id);
        Assert.Equal("{A0000000-0000-4000-8000-000000000002}", attachments[1].ParentGlobalId);
        Assert.Equal("{B0000000-0000-4000-8000-000000000012}", attachments[1].GlobalId);
        Assert.Equal("note.txt", attachments[1].Name);
        Assert.Equal(InlineBytes, attachments[1].Data);

        var completed = items.OfType<ReplicaLayerCompleted>().ToList();
        Assert.Equal([0, 1, 2, 3, 4], completed.Select(c => c.LayerId));
        Assert.Equal(2, completed[0].FeatureCount);
        Assert.Equal(2, completed[0].AttachmentCount);
        Assert.Equal([0, 1, 2, 3, 4], items.OfType<ReplicaLayerStarted>().Select(s => s.LayerId));

        var header = Assert.IsType<ReplicaCompleted>(items[^1]).Header;
        Assert.Equal("crew-7", header.ReplicaName);
        Assert.Equal("{8324FBB9-C968-4703-921B-A5B77E8F0F03}", header.ReplicaId);
        Assert.Equal("perReplica", header.SyncModel);
        Assert.Equal(1742508821383, header.ReplicaServerGen);
        Assert.Equal("esriReplicaResponseTypeData", header.ResponseType);
    }

    [Theory]
    [InlineData(256, 1)]
    [InlineData(256, 7)]
    [InlineData(1024, 3)]
    public async Task Read_TinyBuffersAndTrickledInput_GiveTheSameItems(int bufferSize, int maxChunk)
    {
        var expected = Describe(await ReadAllAsync(SpecShaped));

        var actual = Describe(await ReadAllAsync(new TrickleStream(Encoding.UTF8.GetBytes(SpecShaped), maxChunk),
            new ReplicaJsonReaderOptions { InitialBufferSize = bufferSize, TemporaryDirectory = _temp }));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Read_KeysInUnusualOrder_IdAfterContentAndHeaderAfterLayers()
    {
        var json = $$$$"""
            {"layers":[
               {"features":[{"attributes":{"OBJECTID":1}},{"attributes":{"OBJECTID":2}}],
                "attachments":[{"data":"{{{{InlineData}}}}","id":5,"parentGlobalId":"{P}"}],
                "extra":{"nested":[1,{"deep":true}]},
                "id":"3"},
               {"id":4,"features":[{"attributes":{"OBJECTID":3},"geometry":{"y":2,"x":1}}]}],
             "layerServerGens":[{"serverGen":"1742508821383","id":"3"},{"id":4,"serverGen":17}],
             "unknownTopLevel":{"a":[1,2,3]},
             "syncModel":"perLayer",
             "replicaID":"R-1"}
            """;

        var items = await ReadAllAsync(json);

        var features = items.OfType<ReplicaFeature>().ToList();
        Assert.Equal([3, 3, 4], features.Select(f => f.LayerId));
        Assert.Equal([1L, 2L, 3L], features.Select(f => f.Feature.GetAttribute("OBJECTID")));
        Assert.Equal(new EsriPoint(1, 2), features[2].Feature.Geometry);
        var attachment = Assert.Single(items.OfType<AttachmentSnapshot>());
        Assert.Equal(3, attachment.LayerId);
        Assert.Equal(InlineBytes, attachment.Data);
        var header = Assert.IsType<ReplicaCompleted>(items[^1]).Header;
        Assert.Equal("perLayer", header.SyncModel);
        Assert.Equal("R-1", header.ReplicaId);
        Assert.Equal([new LayerServerGen(3, 1742508821383), new LayerServerGen(4, 17)], header.LayerServerGens);
        Assert.Null(header.ReplicaServerGen);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task Read_SyncDeltaEdits_YieldsAddsUpdatesAndDeletes()
    {
        const string json = """
            {"replicaID":"R","responseType":"esriReplicaResponseTypeEdits","replicaServerGen":2310,
             "edits":[{"id":0,
               "features":{"adds":[{"attributes":{"GlobalID":"{N1}"},"geometry":{"x":1,"y":1}}],
                           "updates":[{"attributes":{"GlobalID":"{U1}"}}],
                           "deleteIds":["{D1}","{D2}"]},
               "attachments":{"adds":[{"globalId":"{AA}","parentGlobalId":"{N1}","name":"a.jpg","url":"https://x/a"}],"deleteIds":["{AD}"]}}]}
            """;

        var items = await ReadAllAsync(json);

        var features = items.OfType<ReplicaFeature>().ToList();
        Assert.Equal([ReplicaChange.Add, ReplicaChange.Update], features.Select(f => f.Change));
        Assert.Equal("{U1}", features[1].Feature.GetAttribute("GlobalID"));
        var deletions = items.OfType<ReplicaDeletion>().ToList();
        Assert.Equal([("{D1}", false), ("{D2}", false), ("{AD}", true)], deletions.Select(d => (d.Id, d.IsAttachment)));
        Assert.Equal(ReplicaChange.Add, Assert.Single(items.OfType<AttachmentSnapshot>()).Change);
        var completed = Assert.Single(items.OfType<ReplicaLayerCompleted>());
        Assert.Equal(3, completed.DeletionCount);
        Assert.Equal(2310, Assert.IsType<ReplicaCompleted>(items[^1]).Header.ReplicaServerGen);
    }

    [Fact]
    public async Task Read_ErrorEnvelope_ThrowsServiceException()
    {
        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() => ReadAllAsync(ArcGisTestServer.FixtureText("error-403-no-permission.json")));

        Assert.True(e.IsPermissionDenied);
    }

    [Theory]
    [InlineData("""{"replicaID":"x","layers":[{"id":0,"features":[{"attributes":{"A":1}},{"attri""", "ends early")]
    [InlineData("""{"replicaID":"x","layers":[{"id":0,"features":[{"attributes":{"A":1}]}]}""", "not valid JSON")]
    [InlineData("""[1,2,3]""", "a JSON object expected")]
    [InlineData("""<html><body>Proxy error</body></html>""", "not valid JSON")]
    [InlineData("""{"layers":[{"features":[{"attributes":{}}]}]}""", "no id")]
    [InlineData("""{"layers":[{"id":0,"attachments":[{"data":"AB$$"}]}]}""", "not valid base64")]
    public async Task Read_BrokenFile_FailsWithProtocolException(string json, string expected)
    {
        var e = await Assert.ThrowsAsync<ArcGisProtocolException>(() => ReadAllAsync(json));

        Assert.Contains(expected, e.Message);
        Assert.Contains("test replica", e.Message);
    }

    [Fact]
    public async Task Read_Twice_IsRefused()
    {
        await using var reader = new ReplicaJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(SpecShaped)));
        await foreach (var _ in reader.ReadAsync())
        {
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in reader.ReadAsync())
            {
            }
        });
    }

    [Fact]
    public async Task Read_LargeInlineAttachment_IsDecodedToTemporaryFileWithoutGrowingTheBuffer()
    {
        var data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(data);
        var json = "{\"layers\":[{\"id\":0,\"attachments\":[{\"id\":1,\"name\":\"video.mp4\",\"data\":\""
            + Convert.ToBase64String(data).Replace("/", "\\/", StringComparison.Ordinal) + "\"},{\"id\":2,\"name\":\"after.txt\"}]}]}";
        var options = new ReplicaJsonReaderOptions { TemporaryDirectory = _temp, AttachmentMemoryThreshold = 1024 * 1024 };
        await using var reader = new ReplicaJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), options);
        var names = new List<string?>();
        string? spilledWhileOpen = null;

        await foreach (var item in reader.ReadAsync())
        {
            if (item is ReplicaAttachment attachment)
            {
                names.Add(attachment.Name);
                if (attachment.Id == 1)
                {
                    Assert.Equal(data.Length, attachment.DataLength);
                    spilledWhileOpen = Assert.Single(Directory.GetFiles(_temp));
                    await using var stream = attachment.OpenData();
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy);
                    Assert.Equal(data, copy.ToArray());
                }
                else
                {
                    Assert.False(attachment.HasData);
                    Assert.Empty(Directory.GetFiles(_temp));
                }
            }
        }

        Assert.Equal(["video.mp4", "after.txt"], names);
        Assert.NotNull(spilledWhileOpen);
        Assert.Equal(options.InitialBufferSize, reader.PeakBufferSize);
    }

    [Fact]
    public async Task Read_AbandonedEarly_RemovesTemporaryFiles()
    {
        var json = "{\"layers\":[{\"attachments\":[{\"id\":1}],\"features\":[{\"attributes\":{\"A\":1}},{\"attributes\":{\"A\":2}}],\"id\":0}]}";
        await using var reader = new ReplicaJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), new ReplicaJsonReaderOptions { TemporaryDirectory = _temp });

        await foreach (var item in reader.ReadAsync())
        {
            if (item is ReplicaFeature)
            {
                Assert.NotEmpty(Directory.GetFiles(_temp));
                break;
            }
        }

        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task Read_HundredsOfThousandsOfFeatures_StreamsWithBoundedBufferAndReleasesFeatures()
    {
        const int count = 300_000;
        var source = new GeneratedReplicaStream(count);
        var options = new ReplicaJsonReaderOptions { InitialBufferSize = 64 * 1024, TemporaryDirectory = _temp };
        await using var reader = new ReplicaJsonReader(source, options);
        WeakReference? early = null;
        long maxReadAhead = 0;
        var seen = 0;

        await foreach (var item in reader.ReadAsync())
        {
            if (item is not ReplicaFeature feature)
            {
                continue;
            }
            seen++;
            if (seen == 1000)
            {
                early = new WeakReference(feature.Feature);
                Assert.Equal("Hydrant 999", feature.Feature.GetAttribute("NAME"));
            }
            maxReadAhead = Math.Max(maxReadAhead, source.BytesProduced - reader.BytesConsumed);
        }
        // A stale stack slot of a thread that ran part of the loop can keep the last object it touched for a while:
        // give the pool threads a few chances to move on before concluding that the reader still holds the feature.
        for (var attempt = 0; attempt < 20 && early?.IsAlive == true; attempt++)
        {
            await Task.Delay(25);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        Assert.Equal(count, seen);
        Assert.Equal(987654321, reader.Header.ReplicaServerGen);
        // The reader never pulled more than one buffer ahead of what it had handed out, and the buffer never grew:
        // it cannot have held more than the features fitting in 64 KiB.
        Assert.InRange(maxReadAhead, 1, options.InitialBufferSize);
        Assert.Equal(options.InitialBufferSize, reader.PeakBufferSize);
        Assert.True(source.BytesProduced > 50L * 1024 * 1024, "the generated file is large");
        Assert.NotNull(early);
        Assert.False(early.IsAlive, "a feature handed out long ago is still referenced");
    }

    [Fact]
    public async Task Read_FeatureLargerThanBuffer_GrowsOnlyAsNeeded()
    {
        var ring = string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"[{i},{i % 7}]"));
        var json = "{\"layers\":[{\"id\":0,\"features\":[{\"attributes\":{\"A\":1},\"geometry\":{\"rings\":[[" + ring + "]]}}]}]}";
        await using var reader = new ReplicaJsonReader(new MemoryStream(Encoding.UTF8.GetBytes(json)),
            new ReplicaJsonReaderOptions { InitialBufferSize = 4096, TemporaryDirectory = _temp });

        var polygons = new List<EsriPolygon>();
        await foreach (var item in reader.ReadAsync())
        {
            if (item is ReplicaFeature f)
            {
                polygons.Add((EsriPolygon)f.Feature.Geometry!);
            }
        }

        Assert.Equal(20_000, Assert.Single(polygons).Rings[0].Count);
        Assert.InRange(reader.PeakBufferSize, json.Length / 2, json.Length * 4);
    }

    /// <summary>An attachment copied out of the reader (its data is only valid until the next item).</summary>
    private sealed record AttachmentSnapshot(int LayerId, ReplicaChange Change, long? Id, string? GlobalId, string? ParentGlobalId, string? Name, string? Url, byte[]? Data)
        : ReplicaItem;

    private Task<List<ReplicaItem>> ReadAllAsync(string json) =>
        ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), new ReplicaJsonReaderOptions { TemporaryDirectory = _temp });

    private static async Task<List<ReplicaItem>> ReadAllAsync(Stream stream, ReplicaJsonReaderOptions options)
    {
        options = new ReplicaJsonReaderOptions
        {
            InitialBufferSize = options.InitialBufferSize,
            TemporaryDirectory = options.TemporaryDirectory,
            SourceName = "test replica",
        };
        await using var reader = new ReplicaJsonReader(stream, options);
        var items = new List<ReplicaItem>();
        await foreach (var item in reader.ReadAsync())
        {
            if (item is ReplicaAttachment a)
            {
                byte[]? data = null;
                if (a.HasData)
                {
                    await using var content = a.OpenData();
                    using var copy = new MemoryStream();
                    await content.CopyToAsync(copy);
                    data = copy.ToArray();
                }
                items.Add(new AttachmentSnapshot(a.LayerId, a.Change, a.Id, a.GlobalId, a.ParentGlobalId, a.Name, a.Url, data));
            }
            else
            {
                items.Add(item);
            }
        }
        return items;
    }

    private static List<string> Describe(List<ReplicaItem> items) => items.Select(i => i switch
    {
        ReplicaFeature f => $"F{f.LayerId}:{string.Join(";", f.Feature.Attributes.Select(a => $"{a.Key}={a.Value}"))}:{(f.Feature.Geometry is null ? "-" : Core.ArcGis.Json.EsriJson.ToJson(f.Feature.Geometry))}",
        AttachmentSnapshot a => $"A{a.LayerId}:{a.Id}:{a.Name}:{a.Url}:{(a.Data is null ? "-" : Convert.ToBase64String(a.Data))}",
        ReplicaCompleted c => $"C:{c.Header.ReplicaId}:{c.Header.ReplicaServerGen}",
        _ => i.ToString(),
    }).ToList();
}
