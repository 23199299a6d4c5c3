using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Replicas;

namespace OfflinePortal.Tests.ArcGis;

public sealed class FeatureServiceClientTests : IAsyncLifetime
{
    private ArcGisTestServer _server = null!;
    private ClientHarness _clients = null!;

    private Uri Service => _server.Url("arcgis/rest/services/Water/FeatureServer");

    public async Task InitializeAsync()
    {
        _server = await ArcGisTestServer.StartAsync();
        _clients = ClientHarness.Create();
    }

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GetServiceInfo_ReadOnlyAgolFixture_IsSyncEnabledWithAllSyncCapabilities()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer", "featureserver-root-sync-enabled-readonly-agol.json");

        var info = await _clients.Features.GetServiceInfoAsync(Service);

        Assert.Equal(10.41, info.CurrentVersion);
        Assert.Equal("Query,Sync", info.Capabilities);
        Assert.True(info.SyncEnabled);
        Assert.True(info.SupportsSync);
        Assert.False(info.SupportsEditing);
        Assert.Equal(2000, info.MaxRecordCount);
        Assert.True(info.SpatialReference!.IsWebMercator);
        Assert.True(info.SupportsApplyEditsWithGlobalIds);
        Assert.Equal("8e2fe1ee979b4c80a837caac2968d6d4", info.ServiceItemId);
        Assert.Equal([0, 1], info.Layers.Select(l => l.Id));
        Assert.Equal(["Airports_2", "Airports_3"], info.Layers.Select(l => l.Name));
        Assert.Empty(info.Tables);
        Assert.Equal(-19496009.707956623, info.FullExtent!.XMin);
        var sync = info.SyncCapabilities;
        Assert.True(sync.SupportsAsync);
        Assert.True(sync.SupportsRegisteringExistingData);
        Assert.True(sync.SupportsSyncDirectionControl);
        Assert.True(sync.SupportsPerLayerSync);
        Assert.True(sync.SupportsPerReplicaSync);
        Assert.True(sync.SupportsSyncModelNone);
        Assert.True(sync.SupportsRollbackOnFailure);
        Assert.True(sync.SupportsAttachmentsSyncDirection);
        Assert.False(sync.SupportsBiDirectionalSyncForServer);
    }

    [Fact]
    public async Task GetServiceInfo_EditableTemplate_SupportsEditingAndSync()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer", "featureserver-root-sync-enabled-editable-template.json");

        var info = await _clients.Features.GetServiceInfoAsync(Service);

        Assert.True(info.SupportsSync);
        Assert.True(info.SupportsEditing);
        Assert.True(info.HasCapability("editing"));
        Assert.Equal(10.3, info.CurrentVersion);
        Assert.Equal("esriMeters", info.Units);
        Assert.Empty(info.Layers);
    }

    [Fact]
    public async Task GetServiceInfo_MockWithOddCasing_ReadsSupportsASyncAndMissingFlagsAsFalse()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer", "featureserver-root-relationships-syncCapabilities-mock.json");

        var info = await _clients.Features.GetServiceInfoAsync(Service);

        Assert.False(info.SyncEnabled);
        Assert.False(info.SupportsSync);
        Assert.True(info.SyncCapabilities.SupportsAsync);
        Assert.False(info.SyncCapabilities.SupportsPerReplicaSync);
        Assert.False(info.SyncCapabilities.SupportsSyncModelNone);
        Assert.False(info.SyncCapabilities.SupportsAttachmentsSyncDirection);
        Assert.Equal(3, info.SyncCapabilities.SupportedSyncDataOptions);
        Assert.Equal([EsriGeometryType.Point, EsriGeometryType.Polygon, EsriGeometryType.Polygon], info.Layers.Select(l => l.GeometryType));
        Assert.True(info.SpatialReference!.IsWgs84);
        Assert.Equal(-118.016756138237, info.InitialExtent!.XMin);
        Assert.True(info.Raw.TryGetProperty("relationships", out _));
    }

    [Fact]
    public async Task GetServiceInfo_NotSyncEnabledWktOnly_KeepsWkt()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer", "featureserver-root-not-sync-enabled.json");

        var info = await _clients.Features.GetServiceInfoAsync(Service);

        Assert.False(info.SupportsSync);
        Assert.Equal(100000, info.MaxRecordCount);
        Assert.Null(info.SpatialReference!.Epsg);
        Assert.StartsWith("PROJCS[\"GDA94_MGA_zone_55\"", info.SpatialReference.Wkt);
        Assert.StartsWith("PROJCS[", info.FullExtent!.SpatialReference!.Wkt);
        Assert.Equal(283455.8300000001, info.FullExtent.XMin);
        Assert.Equal(EsriGeometryType.Polygon, Assert.Single(info.Layers).GeometryType);
    }

    [Theory]
    [InlineData("koop-featureserver-server-template.json", null)]
    [InlineData(null, "points-FeatureServer.json")]
    [InlineData(null, "parcels-FeatureServer.json")]
    public async Task GetServiceInfo_Koop_QueryOnlyWithoutSync(string? fixture, string? koopFile)
    {
        if (fixture is not null)
        {
            _server.MapFixture("arcgis/rest/services/Water/FeatureServer", fixture);
        }
        else
        {
            _server.MapKoop("arcgis/rest/services/Water/FeatureServer", koopFile!);
        }

        var info = await _clients.Features.GetServiceInfoAsync(Service);

        Assert.Equal("Query", info.Capabilities);
        Assert.False(info.SupportsSync);
        Assert.False(info.SupportsEditing);
        Assert.Equal(2000, info.MaxRecordCount);
        Assert.True(info.SpatialReference!.IsWgs84);
    }

    [Fact]
    public async Task GetLayerInfo_ArcrestgoTemplate_ReadsLayerMetadata()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/1", "featureserver-layer-template-arcrestgo.json");

        var layer = await _clients.Features.GetLayerInfoAsync(Service, 1);

        Assert.Equal(1, layer.Id);
        Assert.False(layer.IsTable);
        Assert.Equal(EsriGeometryType.Point, layer.GeometryType);
        Assert.Equal("OBJECTID", layer.ObjectIdField);
        Assert.Equal("GlobalID", layer.GlobalIdField);
        Assert.Null(layer.DisplayField);
        Assert.True(layer.HasAttachments);
        Assert.True(layer.SupportsPagination);
        Assert.True(layer.SupportsOrderBy);
        Assert.False(layer.SupportsApplyEditsWithGlobalIds);
        Assert.Equal(1000, layer.MaxRecordCount);
        Assert.True(layer.HasCapability("Sync"));
        Assert.True(layer.Extent!.SpatialReference!.IsWebMercator);
        Assert.True(layer.SpatialReference!.IsWebMercator);
        Assert.Equal("simple", layer.DrawingInfo!.Value.GetProperty("renderer").GetProperty("type").GetString());
        Assert.Empty(layer.Fields);
    }

    [Fact]
    public async Task GetLayerInfo_ManyFieldsFixture_ReadsFieldsAndEmptyGlobalIdAsNull()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/0", "featureserver-layer-polygon-many-fields.json");

        var layer = await _clients.Features.GetLayerInfoAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"));

        Assert.Equal("LGAProfiles2014Beta", layer.Name);
        Assert.Equal(EsriGeometryType.Polygon, layer.GeometryType);
        Assert.Null(layer.GlobalIdField);
        Assert.Equal(415, layer.Fields.Count);
        var oid = layer.FindField("objectid")!;
        Assert.Equal(EsriFieldType.Integer, oid.Type);
        Assert.False(oid.Nullable);
        Assert.False(oid.Editable);
        var lga = layer.FindField("LGA")!;
        Assert.Equal(EsriFieldType.String, lga.Type);
        Assert.Equal(255, lga.Length);
        Assert.True(lga.Nullable);
        Assert.Equal(2000, layer.MaxRecordCount);
        Assert.Equal("Query", layer.Capabilities);
    }

    [Theory]
    [InlineData("points-FeatureServer-0.json", EsriGeometryType.Point, 5)]
    [InlineData("parcels-FeatureServer-0.json", EsriGeometryType.Polygon, 2)]
    public async Task GetLayerInfo_KoopLayers_ReadsInferredFields(string file, EsriGeometryType geometryType, int fieldCount)
    {
        _server.MapKoop("arcgis/rest/services/Water/FeatureServer/0", file);

        var layer = await _clients.Features.GetLayerInfoAsync(Service, 0);

        Assert.Equal(geometryType, layer.GeometryType);
        Assert.Equal(fieldCount, layer.Fields.Count);
        Assert.Equal(EsriFieldType.OID, layer.Fields[0].Type);
        Assert.Null(layer.GlobalIdField);
        Assert.True(layer.SupportsPagination);
        Assert.Equal("JSON,geojson,PBF", layer.SupportedQueryFormats);
    }

    [Fact]
    public async Task GetLayerInfo_KoopAnswersLayerZeroForUnknownId_StillParses()
    {
        // Koop answers /FeatureServer/99 with layer 0: the id in the answer tells.
        _server.MapKoop("arcgis/rest/services/Water/FeatureServer/99", "points-layer-99.json");

        var layer = await _clients.Features.GetLayerInfoAsync(Service, 99);

        Assert.Equal(0, layer.Id);
    }

    [Fact]
    public async Task QueryCount_Fixtures_ReadCount()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/0/query", "query-returnCountOnly-response.json");
        _server.MapKoop("arcgis/rest/services/Water/FeatureServer/1/query", "points-query-count.json");

        Assert.Equal(79, await _clients.Features.QueryCountAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"), new FeatureQuery { Where = "STATUS='P'" }));
        Assert.Equal(2500, await _clients.Features.QueryCountAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/1")));

        var request = _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/0/query").Single();
        Assert.Equal("true", request.Parameter("returnCountOnly"));
        Assert.Equal("STATUS='P'", request.Parameter("where"));
        Assert.Null(request.Parameter("resultRecordCount"));
    }

    [Fact]
    public async Task QueryPage_TreesFixture_ReadsAttributesAsClrValues()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/0/query", "query-response-esrijson.json");

        var page = await _clients.Features.QueryPageAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"));

        Assert.Equal("FID", page.ObjectIdFieldName);
        Assert.Null(page.GlobalIdFieldName);
        Assert.Equal(EsriGeometryType.Point, page.GeometryType);
        Assert.True(page.SpatialReference!.IsWebMercator);
        Assert.False(page.ExceededTransferLimit);
        var first = page.Features[0];
        Assert.Equal(1L, first.GetAttribute("FID"));
        Assert.Equal(1349395200000L, first.GetAttribute("Collected"));
        Assert.Equal(4.5, first.GetAttribute("Ht_DBH_ft"));
        Assert.Equal("Siberian elm", first.GetAttribute("cmn_name"));
        Assert.Equal("3,079.00", first.GetAttribute("S_Value"));
        Assert.Null(first.Geometry);
    }

    [Fact]
    public async Task QueryPage_PointsFixture_ReadsFieldsAndGeometry()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/0/query", "query-response-points-esrijson.json");

        var page = await _clients.Features.QueryPageAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"));

        Assert.Equal("OBJECTID", page.ObjectIdFieldName);
        Assert.Equal(EsriFieldType.OID, page.Fields[0].Type);
        Assert.Equal("ZIP Code", page.Fields[1].Alias);
        Assert.NotEmpty(page.Features);
        var point = Assert.IsType<EsriPoint>(page.Features[0].Geometry);
        Assert.True(point.SpatialReference!.IsWebMercator);
        Assert.False(double.IsNaN(point.X));
        Assert.True(page.ExceededTransferLimit == JsonDocument.Parse(ArcGisTestServer.FixtureText("query-response-points-esrijson.json")).RootElement
            .TryGetProperty("exceededTransferLimit", out var e) && e.GetBoolean());
    }

    [Fact]
    public async Task QueryPage_TemplateAndKoopPages_ReadEmptyPagesDatesAndGeneratedIds()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/0/query", "query-response-template-arcrestgo.json");
        _server.MapKoop("arcgis/rest/services/Water/FeatureServer/1/query", "points-query-page3.json");
        _server.MapKoop("arcgis/rest/services/Water/FeatureServer/2/query", "noid-query-generated-objectid.json");
        _server.MapKoop("arcgis/rest/services/Water/FeatureServer/3/query", "parcels-query-where1eq1.json");

        var empty = await _clients.Features.QueryPageAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"));
        var page3 = await _clients.Features.QueryPageAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/1"));
        var noId = await _clients.Features.QueryPageAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/2"));
        var parcels = await _clients.Features.QueryPageAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/3"));

        Assert.Empty(empty.Features);
        Assert.True(page3.ExceededTransferLimit);
        Assert.Equal(3, page3.Features.Count);
        Assert.Equal(EsriGeometryType.Point, page3.GeometryType);
        Assert.Equal(1767312000000L, page3.Features[1].GetAttribute("updated"));
        Assert.Equal(1.75, page3.Features[1].GetAttribute("value"));
        Assert.Equal(EsriFieldType.Date, page3.Fields.Single(f => f.Name == "updated").Type);
        Assert.Equal([115761040L, 446932954L], noId.Features.Select(f => f.GetAttribute("OBJECTID")));
        Assert.Equal(new EsriPoint(11, 60) { SpatialReference = SpatialReference.Wgs84 }, noId.Features[1].Geometry);
        var polygon = Assert.IsType<EsriPolygon>(Assert.Single(parcels.Features).Geometry);
        Assert.Equal(5, polygon.Rings[0].Count);
        Assert.Equal("A", parcels.Features[0].GetAttribute("owner"));
    }

    [Fact]
    public async Task QueryAll_KoopStylePaging_SendsPageSizeAndFollowsExceededTransferLimit()
    {
        MapKoopLayer(total: 2500, supportsPagination: true);

        var ids = new List<long>();
        await foreach (var feature in _clients.Features.QueryAllAsync(KoopLayer, new FeatureQuery { Where = "kind='a'" }))
        {
            ids.Add((long)feature.GetAttribute("OBJECTID")!);
        }

        Assert.Equal(Enumerable.Range(1, 2500).Select(i => (long)i), ids);
        var queries = _server.RequestsTo("koop/rest/services/points/FeatureServer/0/query");
        Assert.Equal(["0", "2000"], queries.Select(q => q.Parameter("resultOffset")));
        Assert.All(queries, q => Assert.Equal("2000", q.Parameter("resultRecordCount")));
        Assert.All(queries, q => Assert.Equal("OBJECTID ASC", q.Parameter("orderByFields")));
        Assert.All(queries, q => Assert.Equal("kind='a'", q.Parameter("where")));
    }

    [Fact]
    public async Task QueryAll_ServerCapsBelowRequestedPage_AdvancesByReceivedCount()
    {
        MapKoopLayer(total: 25, supportsPagination: true, serverCap: 10);

        var count = 0;
        await foreach (var _ in _clients.Features.QueryAllAsync(KoopLayer, new FeatureQuery { ResultRecordCount = 20 }))
        {
            count++;
        }

        Assert.Equal(25, count);
        Assert.Equal(["0", "10", "20"], _server.RequestsTo("koop/rest/services/points/FeatureServer/0/query").Select(q => q.Parameter("resultOffset")));
    }

    [Fact]
    public async Task QueryAll_NoPagination_FetchesIdsThenObjectIdChunks()
    {
        MapKoopLayer(total: 45, supportsPagination: false, maxRecordCount: 20);

        var ids = new List<long>();
        await foreach (var feature in _clients.Features.QueryAllAsync(KoopLayer))
        {
            ids.Add((long)feature.GetAttribute("OBJECTID")!);
        }

        Assert.Equal(Enumerable.Range(1, 45).Select(i => (long)i), ids);
        var queries = _server.RequestsTo("koop/rest/services/points/FeatureServer/0/query");
        Assert.Equal("true", queries[0].Parameter("returnIdsOnly"));
        Assert.Equal([20, 20, 5], queries.Skip(1).Select(q => q.Parameter("objectIds")!.Split(',').Length));
        Assert.All(queries.Skip(1), q => Assert.Null(q.Parameter("resultOffset")));
    }

    [Fact]
    public async Task QueryAll_ServerIgnoresResultOffset_FailsInsteadOfLooping()
    {
        MapKoopLayer(total: 50, supportsPagination: true, ignoreOffset: true);

        var e = await Assert.ThrowsAsync<ArcGisProtocolException>(async () =>
        {
            await foreach (var _ in _clients.Features.QueryAllAsync(KoopLayer, new FeatureQuery { ResultRecordCount = 10 }))
            {
            }
        });

        Assert.Contains("same page twice", e.Message);
    }

    [Fact]
    public async Task QueryAll_LongObjectIdList_IsSentAsPost()
    {
        MapKoopLayer(total: 1500, supportsPagination: false, maxRecordCount: 1000);

        var count = 0;
        await foreach (var _ in _clients.Features.QueryAllAsync(KoopLayer))
        {
            count++;
        }

        Assert.Equal(1500, count);
        var chunks = _server.RequestsTo("koop/rest/services/points/FeatureServer/0/query").Skip(1).ToList();
        Assert.Equal("POST", chunks[0].Method);
        Assert.Equal(1000, chunks[0].Form["objectIds"].Split(',').Length);
    }

    [Fact]
    public async Task GetAttachments_Fixture_ReadsInfos()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/0/42/attachments", "attachments-list-response.json");

        var attachments = await _clients.Features.GetAttachmentsAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"), 42);

        Assert.Equal([409L, 822L], attachments.Select(a => a.Id));
        Assert.Equal("application/pdf", attachments[0].ContentType);
        Assert.Equal(400633, attachments[0].Size);
        Assert.Equal("Planning_Review_20180604", attachments[1].Name);
    }

    [Fact]
    public async Task OpenAttachment_Bytes_AreStreamedAsServed()
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4 fake");
        _server.MapBytes("arcgis/rest/services/Water/FeatureServer/0/42/attachments/409", pdf, "application/pdf");

        await using var download = await _clients.Features.OpenAttachmentAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"), 42, 409);

        Assert.Equal(pdf, await download.ReadAllBytesAsync());
        Assert.Null(_server.RequestsTo("arcgis/rest/services/Water/FeatureServer/0/42/attachments/409").Single().Parameter("f"));
    }

    [Fact]
    public async Task OpenAttachment_JsonAttachmentThatIsNoError_IsReturnedWhole()
    {
        var json = """{"note":"an attached JSON file, not an error"}""";
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/0/42/attachments/7", json);

        await using var download = await _clients.Features.OpenAttachmentAsync(_server.Url("arcgis/rest/services/Water/FeatureServer/0"), 42, 7);

        Assert.Equal(json, Encoding.UTF8.GetString(await download.ReadAllBytesAsync()));
    }

    [Fact]
    public async Task CreateReplica_SyncUrlFixture_ReturnsResultUrlAndSendsTypedParameters()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/createReplica", "createReplica-sync-transportUrl-response-agol-2015.json");
        var area = new EsriEnvelope(-13000000, 4000000, -12900000, 4100000) { SpatialReference = SpatialReference.WebMercator };

        var result = await _clients.Features.CreateReplicaAsync(Service, new CreateReplicaParameters
        {
            Layers = [0, 1, 3],
            LayerQueries = new Dictionary<int, ReplicaLayerQuery>
            {
                [0] = new() { QueryOption = LayerQueryOption.UseFilter, Where = "(DRAW='Yes' AND PUBLISH='Yes')", UseGeometry = true, IncludeRelated = true },
                [3] = new() { QueryOption = LayerQueryOption.All, UseGeometry = false },
            },
            Geometry = area,
            ReturnAttachments = true,
            ReturnAttachmentsDataByUrl = false,
            AttachmentsSyncDirection = AttachmentsSyncDirection.Bidirectional,
            SyncModel = ReplicaSyncModel.PerLayer,
            SyncDirection = SyncDirection.Bidirectional,
            SyncDataOptions = 144,
            ReplicaName = "crew-7",
            Async = false,
        });

        Assert.Equal("http://services1.arcgis.com/Ebe2vzeJnfgD83DH/ArcGIS/rest/services/ServiceAddressPoint/replicafiles/012d3466413a43eb8c12b9be5b2ccfc0.json",
            result.ResultUrl!.OriginalString);
        Assert.Equal("esriTransportTypeUrl", result.TransportType);
        Assert.True(result.HasData);
        var request = _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/createReplica").Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("0,1,3", request.Form["layers"]);
        var layerQueries = JsonDocument.Parse(request.Form["layerQueries"]).RootElement;
        Assert.Equal("useFilter", layerQueries.GetProperty("0").GetProperty("queryOption").GetString());
        Assert.Equal("(DRAW='Yes' AND PUBLISH='Yes')", layerQueries.GetProperty("0").GetProperty("where").GetString());
        Assert.False(layerQueries.GetProperty("3").GetProperty("useGeometry").GetBoolean());
        Assert.Equal(-13000000, JsonDocument.Parse(request.Form["geometry"]).RootElement.GetProperty("xmin").GetDouble());
        Assert.Equal("esriGeometryEnvelope", request.Form["geometryType"]);
        Assert.Equal("102100", request.Form["inSR"]);
        Assert.Equal("esriTransportTypeUrl", request.Form["transportType"]);
        Assert.Equal("true", request.Form["returnAttachments"]);
        Assert.Equal("false", request.Form["returnAttachmentsDataByUrl"]);
        Assert.Equal("bidirectional", request.Form["attachmentsSyncDirection"]);
        Assert.Equal("perLayer", request.Form["syncModel"]);
        Assert.Equal("json", request.Form["dataFormat"]);
        Assert.Equal("144", request.Form["syncDataOptions"]);
        Assert.Equal("crew-7", request.Form["replicaName"]);
        Assert.Equal("false", request.Form["async"]);
        Assert.Equal("json", request.Form["f"]);
    }

    [Fact]
    public async Task CreateReplica_AsyncJobWithStatusVariantAndSpacedStatus_PollsUntilCompleteAndStreamsResult()
    {
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/createReplica",
            $$"""{"statusUrl":"{{_server.Url("arcgis/rest/services/Water/FeatureServer/jobs/j1")}}"}""");
        var statuses = new Queue<string>(["Pending", "ExportingData", "InProgress"]);
        // The plain status URL answers 404 (not mapped); the /status variant answers.
        _server.Map("arcgis/rest/services/Water/FeatureServer/jobs/j1/status", ctx =>
        {
            var body = statuses.TryDequeue(out var status)
                ? $$"""{"status":"{{status}}","replicaID":"{A1B2}","submissionTime":1742418392143}"""
                : $$"""{"status":"Completed With Errors","replicaID":"{A1B2}","replicaName":"crew-7","responseType":"esriReplicaResponseTypeData","transportType":"esriTransportTypeUrl","resultUrl":"{{_server.Url("arcgis/rest/services/Water/replicafiles/r1.json")}}","layerServerGens":[{"id":0,"serverGen":"1742508821383"}]}""";
            return ArcGisTestServer.WriteAsync(ctx, 200, "application/json", body);
        });
        _server.MapJson("arcgis/rest/services/Water/replicafiles/r1.json",
            """{"replicaName":"crew-7","replicaID":"{A1B2}","layers":[{"id":0,"features":[{"attributes":{"OBJECTID":1},"geometry":{"x":1,"y":2}}]}],"layerServerGens":[{"id":0,"serverGen":1742508821383}]}""");
        var reported = new List<string>();

        var result = await _clients.Features.CreateReplicaAsync(Service, new CreateReplicaParameters { Layers = [0] }, progress: new SyncProgress(s => reported.Add(s.Status)));

        Assert.Equal("Completed With Errors", result.Status);
        Assert.Equal("{A1B2}", result.ReplicaId);
        Assert.Equal(1742508821383, Assert.Single(result.LayerServerGens).ServerGen);
        Assert.Equal(["Pending", "ExportingData", "InProgress", "Completed With Errors"], reported);
        Assert.Single(_server.RequestsTo("arcgis/rest/services/Water/FeatureServer/jobs/j1"));
        Assert.Equal(4, _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/jobs/j1/status").Count);
        Assert.Equal("true", _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/createReplica").Single().Form["async"]);

        await using var download = await _clients.Features.OpenReplicaResultAsync(result.ResultUrl!);
        await using var reader = new ReplicaJsonReader(download.Content);
        var features = new List<ReplicaFeature>();
        await foreach (var item in reader.ReadAsync())
        {
            if (item is ReplicaFeature f)
            {
                features.Add(f);
            }
        }
        Assert.Equal(new EsriPoint(1, 2), Assert.Single(features).Feature.Geometry);
        Assert.Equal(1742508821383, reader.Header.LayerServerGens[0].ServerGen);
    }

    [Theory]
    [InlineData("responseUrl")]
    [InlineData("resultUrl")]
    [InlineData("url")]
    public async Task CreateReplica_SyncAnswerUrlKeyVariants_AreAllRead(string key)
    {
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/createReplica",
            "{\"transportType\":\"esriTransportTypeUrl\",\"" + key + "\":\"https://services.example.com/replicafiles/x.json\",\"replicaID\":\"{R}\",\"replicaServerGen\":\"42\"}");

        var result = await _clients.Features.CreateReplicaAsync(Service, new CreateReplicaParameters { Layers = [0], Async = false });

        Assert.Equal("https://services.example.com/replicafiles/x.json", result.ResultUrl!.OriginalString);
        Assert.Equal("{R}", result.ReplicaId);
        Assert.Equal(42, result.ReplicaServerGen);
    }

    [Fact]
    public async Task CreateReplica_JobFails_ThrowsWithStatusMessage()
    {
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/createReplica", $$"""{"statusUrl":"{{_server.Url("jobs/j2")}}"}""");
        _server.MapJson("jobs/j2", """{"status":"failed","statusMessage":"Unable to create replica. Please check your parameters."}""");

        var e = await Assert.ThrowsAsync<ArcGisJobFailedException>(() => _clients.Features.CreateReplicaAsync(Service, new CreateReplicaParameters { Layers = [0] }));

        Assert.Equal("failed", e.Status);
        Assert.Contains("Unable to create replica. Please check your parameters.", e.Message);
    }

    [Fact]
    public async Task CreateReplica_KoopAnswersLayerMetadata_ThrowsClearProtocolError()
    {
        _server.MapKoop("arcgis/rest/services/Water/FeatureServer/createReplica", "points-createReplica-GET.json");

        var e = await Assert.ThrowsAsync<ArcGisProtocolException>(() =>
            _clients.Features.CreateReplicaAsync(Service, new CreateReplicaParameters { Layers = [0], Async = false }));

        Assert.Contains("did not answer createReplica", e.Message);
        Assert.Contains("layer metadata", e.Message);
    }

    [Fact]
    public async Task CreateReplicaEmbedded_AnswerIsTheReplica_IsCopiedToDestination()
    {
        var replica = """{"replicaName":"e","replicaID":"x","layers":[{"id":2,"features":[]}],"replicaServerGen":5}""";
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/createReplica", replica);
        using var destination = new MemoryStream();

        var bytes = await _clients.Features.CreateReplicaEmbeddedAsync(Service, new CreateReplicaParameters { Layers = [2] }, destination);

        Assert.Equal(replica.Length, bytes);
        Assert.Equal(replica, Encoding.UTF8.GetString(destination.ToArray()));
        var form = _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/createReplica").Single().Form;
        Assert.Equal("esriTransportTypeEmbedded", form["transportType"]);
        Assert.Equal("false", form["async"]);
    }

    [Fact]
    public async Task DownloadReplicaResult_ConnectionDropsOnce_RestartsIntoFile()
    {
        var replica = """{"replicaID":"r","layers":[{"id":0,"features":[{"attributes":{"A":1}}]}],"replicaServerGen":"77"}""" + new string(' ', 20000);
        _server.MapJson("replicafiles/big.json", replica);
        _server.Enqueue("replicafiles/big.json", Fault.DropMidBody(replica));
        var directory = Infrastructure.TestPaths.NewTempDirectory("replica-download");
        try
        {
            var path = Path.Combine(directory, "replica.json");
            await using (var file = File.Create(path))
            {
                var written = await _clients.Features.DownloadReplicaResultAsync(_server.Url("replicafiles/big.json"), file);
                Assert.Equal(replica.Length, written);
            }
            Assert.Equal(replica, await File.ReadAllTextAsync(path));
            Assert.Equal(2, _server.RequestsTo("replicafiles/big.json").Count);
            Assert.Contains(_clients.Logs.Lines, l => l.Message.Contains("restarting it", StringComparison.Ordinal));
        }
        finally
        {
            Infrastructure.TestPaths.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task SynchronizeReplica_PerLayerWithEdits_SendsJsonParametersAndReadsNoEdits()
    {
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/synchronizeReplica",
            """{"replicaName":"crew-7","replicaID":"{A1B2}","responseType":"esriReplicaResponseTypeNoEdits","layerServerGens":[{"id":0,"serverGen":"1742508899999"}]}""");
        var add = new EsriFeature(new Dictionary<string, object?> { ["GlobalID"] = "{11111111-2222-3333-4444-555555555555}", ["NAME"] = "new" }, new EsriPoint(10, 59));

        var result = await _clients.Features.SynchronizeReplicaAsync(Service, new SynchronizeReplicaParameters("{A1B2}")
        {
            SyncLayers = [new SyncLayer(0, 1742508821383, SyncDirection.Bidirectional)],
            Edits = [new ReplicaLayerEdits(0) { Adds = [add], DeleteIds = ["{99999999-2222-3333-4444-555555555555}"] }],
            RollbackOnFailure = true,
            Async = false,
        });

        Assert.False(result.HasDeltaFile);
        Assert.Equal(1742508899999, result.LayerServerGens.Single().ServerGen);
        var form = _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/synchronizeReplica").Single().Form;
        Assert.Equal("{A1B2}", form["replicaID"]);
        Assert.Equal(1742508821383, JsonDocument.Parse(form["syncLayers"]).RootElement[0].GetProperty("serverGen").GetInt64());
        var edits = JsonDocument.Parse(form["edits"]).RootElement[0];
        Assert.Equal(0, edits.GetProperty("id").GetInt32());
        Assert.Equal("new", edits.GetProperty("features").GetProperty("adds")[0].GetProperty("attributes").GetProperty("NAME").GetString());
        Assert.Equal(59, edits.GetProperty("features").GetProperty("adds")[0].GetProperty("geometry").GetProperty("y").GetDouble());
        Assert.Equal("{99999999-2222-3333-4444-555555555555}", edits.GetProperty("features").GetProperty("deleteIds")[0].GetString());
        Assert.Equal("true", form["rollbackOnFailure"]);
    }

    [Fact]
    public async Task SynchronizeReplica_AsyncJob_PollsAndReturnsDeltaUrl()
    {
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/synchronizeReplica", $$"""{"statusUrl":"{{_server.Url("jobs/s1")}}"}""");
        _server.MapJson("jobs/s1",
            """{"status":"Completed","responseType":"esriReplicaResponseTypeEdits","resultUrl":"/replicafiles/delta.json","replicaServerGen":2310}""");

        var result = await _clients.Features.SynchronizeReplicaAsync(Service, new SynchronizeReplicaParameters("{A1B2}") { ReplicaServerGen = 2309 });

        Assert.True(result.HasDeltaFile);
        Assert.Equal(_server.Url("replicafiles/delta.json"), result.ResultUrl);
        Assert.Equal(2310, result.ReplicaServerGen);
        Assert.Equal("2309", _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/synchronizeReplica").Single().Form["replicaServerGen"]);
    }

    [Fact]
    public async Task Replicas_ListAndInfoFixtures_AreRead()
    {
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/replicas", "doc-example-replicas-list.json");
        _server.MapFixture("arcgis/rest/services/Water/FeatureServer/replicas/8324FBB9-C968-4703-921B-A5B77E8F0F03", "replica-info-perLayer-download-filtered.json");
        _server.MapJson("arcgis/rest/services/Water/FeatureServer/unRegisterReplica", """{"success":true}""");

        var list = await _clients.Features.GetReplicasAsync(Service);
        var info = await _clients.Features.GetReplicaInfoAsync(Service, "{8324FBB9-C968-4703-921B-A5B77E8F0F03}");
        var unregistered = await _clients.Features.UnregisterReplicaAsync(Service, "{8324FBB9-C968-4703-921B-A5B77E8F0F03}");

        Assert.Equal(["MyCheckout", "My2wayReplica", "MySyncReplica"], list.Select(r => r.ReplicaName));
        Assert.Equal("29D94D0A-6702-49BF-836B-AFF7861BB9FF", list[2].ReplicaId);
        Assert.Equal("Ags_Fs_1742418416303", info.ReplicaName);
        Assert.Equal("perLayer", info.SyncModel);
        Assert.Equal("download", info.SyncDirection);
        Assert.Equal(4, info.SyncDataOptions);
        Assert.True(info.ReturnAttachments);
        Assert.Equal("bidirectional", info.AttachmentsSyncDirection);
        Assert.Null(info.ReplicaOwner);
        Assert.Equal(new LayerServerGen(0, 1742508821383), Assert.Single(info.LayerServerGens));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1742418392143), info.CreationDate);
        Assert.Equal("(DRAW='Yes' AND PUBLISH='Yes')", Assert.Single(info.Layers).Where);
        Assert.Equal("useFilter", info.Layers[0].QueryOption);
        var geometry = Assert.IsType<EsriEnvelope>(info.Geometry);
        Assert.Equal(-7557835.807516931, geometry.XMin);
        Assert.True(unregistered);
        Assert.Equal("{8324FBB9-C968-4703-921B-A5B77E8F0F03}", _server.RequestsTo("arcgis/rest/services/Water/FeatureServer/unRegisterReplica").Single().Form["replicaID"]);
    }

    private Uri KoopLayer => _server.Url("koop/rest/services/points/FeatureServer/0");

    /// <summary>
    /// Serves a layer the way Koop does (saved responses in shared/research/koop-responses): metadata from
    /// points-FeatureServer-0.json; the query returns every feature unless resultRecordCount is sent.
    /// </summary>
    private void MapKoopLayer(int total, bool supportsPagination, int maxRecordCount = 2000, int? serverCap = null, bool ignoreOffset = false)
    {
        var layer = JsonNode.Parse(File.ReadAllText(ArcGisTestServer.KoopFile("points-FeatureServer-0.json")))!.AsObject();
        layer["advancedQueryCapabilities"]!["supportsPagination"] = supportsPagination;
        layer["maxRecordCount"] = maxRecordCount;
        _server.MapJson("koop/rest/services/points/FeatureServer/0", layer.ToJsonString());
        _server.Map("koop/rest/services/points/FeatureServer/0/query", async ctx =>
        {
            var form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync() : null;
            string? Get(string name) => ctx.Request.Query.TryGetValue(name, out var v) ? v.ToString() : form?[name].ToString() is { Length: > 0 } f ? f : null;
            if (Get("returnIdsOnly") == "true")
            {
                var shuffled = Enumerable.Range(1, total).OrderBy(i => (i * 7919) % total);
                await ArcGisTestServer.WriteAsync(ctx, 200, "application/json", $$"""{"objectIdFieldName":"OBJECTID","objectIds":[{{string.Join(",", shuffled)}}]}""");
                return;
            }
            IEnumerable<int> ids = Enumerable.Range(1, total);
            var exceeded = false;
            if (Get("objectIds") is { } list)
            {
                ids = list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture));
            }
            else if (Get("resultRecordCount") is { } countText)
            {
                var offset = ignoreOffset ? 0 : int.Parse(Get("resultOffset") ?? "0", CultureInfo.InvariantCulture);
                var count = Math.Min(int.Parse(countText, CultureInfo.InvariantCulture), serverCap ?? int.MaxValue);
                ids = ids.Skip(offset).Take(count);
                exceeded = offset + count < total;
            }
            var features = ids.Select(i => $$$"""{"attributes":{"OBJECTID":{{{i}}},"name":"pt{{{i}}}"},"geometry":{"x":{{{(10 + (i % 50) * 0.01).ToString(CultureInfo.InvariantCulture)}}},"y":59}}""");
            await ArcGisTestServer.WriteAsync(ctx, 200, "application/json",
                $$"""{"objectIdFieldName":"OBJECTID","spatialReference":{"wkid":4326},"features":[{{string.Join(",", features)}}],"exceededTransferLimit":{{(exceeded ? "true" : "false")}},"geometryType":"esriGeometryPoint"}""");
        });
    }

    private sealed class SyncProgress(Action<ReplicaJobStatus> report) : IProgress<ReplicaJobStatus>
    {
        public void Report(ReplicaJobStatus value) => report(value);
    }
}
