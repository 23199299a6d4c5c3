using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.ArcGis.Replicas;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.SamplePortal;
using SampleItemIds = OfflinePortal.SamplePortal.Portal.SampleItemIds;

namespace OfflinePortal.Tests.ArcGis;

/// <summary>One sample portal shared by the tests of <see cref="SamplePortalIntegrationTests"/>.</summary>
public sealed class SamplePortalFixture : IAsyncLifetime
{
    public SamplePortalServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await SamplePortalServer.StartAsync(o => o.HydrantCount = 1500);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The clients against the built-in sample portal over real HTTP (written independently of the clients).</summary>
public sealed class SamplePortalIntegrationTests(SamplePortalFixture fixture) : IClassFixture<SamplePortalFixture>, IAsyncLifetime
{
    private ClientHarness _clients = null!;

    private Uri Portal => new(fixture.Server.PortalUrl);

    private Uri WaterNetwork => new(fixture.Server.ServicesUrl + "/WaterNetwork/FeatureServer");

    /// <summary>A block in the middle of the sample town, in WGS 84.</summary>
    private static EsriEnvelope Area => new(-122.72, 42.18, -122.70, 42.20) { SpatialReference = SpatialReference.Wgs84 };

    public Task InitializeAsync()
    {
        _clients = ClientHarness.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _clients.DisposeAsync();

    [Fact]
    public async Task SearchWebMaps_SortedByTitle_PagesThroughAll()
    {
        var first = await _clients.Portal.SearchWebMapsAsync(Portal, new WebMapSearchCriteria { Num = 3, SortField = PortalSortField.Title, Descending = false });
        var all = new List<PortalItem>();
        await foreach (var item in _clients.Portal.SearchAllAsync(Portal,
            new PortalSearchRequest(ArcGisPortalClient.BuildWebMapQuery(new WebMapSearchCriteria())) { Num = 3, SortField = PortalSortField.Title }))
        {
            all.Add(item);
        }

        Assert.Equal(4, first.Total);
        Assert.Equal(4, first.NextStart);
        Assert.Equal("Hydrant Maintenance", first.Results[0].Title);
        Assert.Equal(4, all.Count);
        Assert.All(all, i => Assert.True(i.IsWebMap));
        Assert.Equal(all.Select(i => i.Title).Order(StringComparer.OrdinalIgnoreCase), all.Select(i => i.Title));
    }

    [Fact]
    public async Task SearchWebMaps_OfflineTagged_FindsOnlyThose()
    {
        var page = await _clients.Portal.SearchWebMapsAsync(Portal, new WebMapSearchCriteria { Tags = ["valves"], OfflineEnabledOnly = true });

        Assert.NotEmpty(page.Results);
        Assert.All(page.Results, i => Assert.True(i.IsOfflineEnabled));
        Assert.All(page.Results, i => Assert.Contains("valves", i.Tags, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WebMap_ItemDataAndServices_AreReadable()
    {
        var item = await _clients.Portal.GetItemAsync(Portal, SampleItemIds.HydrantMaintenanceMap);
        var map = await _clients.Portal.GetWebMapAsync(Portal, SampleItemIds.HydrantMaintenanceMap);
        await using var thumbnail = await _clients.Portal.OpenThumbnailAsync(Portal, item);

        Assert.Equal("Hydrant Maintenance", item.Title);
        Assert.True(item.IsWebMap);
        Assert.Equal(0x89, (await thumbnail!.ReadAllBytesAsync())[0]);
        Assert.True(map.Offline.IsDefined);
        var hydrants = map.OperationalLayers.Single(l => l.Title == "Hydrants");
        Assert.Equal("STATUS <> 'Retired'", hydrants.DefinitionExpression);
        Assert.Equal(0, hydrants.Service!.LayerId);
        Assert.NotEmpty(map.Tables);

        foreach (var serviceUrl in map.AllLayers.Where(l => l.Service?.ServiceType == ArcGisServiceType.FeatureServer).Select(l => l.Service!.ServiceUrl).Distinct())
        {
            var service = await _clients.Features.GetServiceInfoAsync(serviceUrl);
            Assert.NotEmpty(service.LayersAndTables);
            foreach (var reference in service.LayersAndTables)
            {
                var layer = await _clients.Features.GetLayerInfoAsync(serviceUrl, reference.Id);
                Assert.Equal(reference.Id, layer.Id);
                Assert.Equal("OBJECTID", layer.ObjectIdField);
                Assert.Equal("GlobalID", layer.GlobalIdField);
                Assert.NotEmpty(layer.Fields);
                Assert.Equal(reference.IsTable, layer.IsTable);
            }
        }
    }

    [Fact]
    public async Task WaterNetwork_IsSyncEnabledAndEditable()
    {
        var info = await _clients.Features.GetServiceInfoAsync(WaterNetwork);

        Assert.True(info.SupportsSync);
        Assert.True(info.SupportsEditing);
        Assert.True(info.SyncCapabilities.SupportsAsync);
        Assert.Equal([0, 1, 2], info.Layers.Select(l => l.Id));
        Assert.Equal(3, Assert.Single(info.Tables).Id);
    }

    [Fact]
    public async Task Query_PagesAgreeWithCount()
    {
        var layerUrl = ArcGisUrl.Append(WaterNetwork, "0");
        var inArea = new FeatureQuery { Geometry = Area, Where = "STATUS <> 'Retired'" };

        var total = await _clients.Features.QueryCountAsync(layerUrl);
        var areaCount = await _clients.Features.QueryCountAsync(layerUrl, inArea);
        var ids = new HashSet<long>();
        await foreach (var feature in _clients.Features.QueryAllAsync(layerUrl, new FeatureQuery { ResultRecordCount = 400, OutFields = ["OBJECTID", "GlobalID"] }))
        {
            Assert.True(ids.Add((long)feature.GetAttribute("OBJECTID")!));
            Assert.IsType<EsriPoint>(feature.Geometry);
        }
        var inAreaFeatures = 0;
        await foreach (var _ in _clients.Features.QueryAllAsync(layerUrl, inArea with { ResultRecordCount = 50 }))
        {
            inAreaFeatures++;
        }
        var idSet = await _clients.Features.QueryObjectIdsAsync(layerUrl, inArea);

        Assert.Equal(1500, total);
        Assert.Equal(total, ids.Count);
        Assert.InRange(areaCount, 1, total - 1);
        Assert.Equal(areaCount, inAreaFeatures);
        Assert.Equal(areaCount, idSet.ObjectIds.Count);
    }

    [Fact]
    public async Task CreateReplica_AsyncWithInlineAttachments_StreamsAndMatchesQueries()
    {
        var hydrantsInArea = await _clients.Features.QueryCountAsync(ArcGisUrl.Append(WaterNetwork, "0"), new FeatureQuery { Geometry = Area });

        var result = await _clients.Features.CreateReplicaAsync(WaterNetwork, new CreateReplicaParameters
        {
            Layers = [0, 3],
            LayerQueries = new Dictionary<int, ReplicaLayerQuery>
            {
                [0] = new() { QueryOption = LayerQueryOption.UseFilter, UseGeometry = true },
                [3] = new() { QueryOption = LayerQueryOption.None, IncludeRelated = true },
            },
            Geometry = Area,
            ReturnAttachments = true,
            ReturnAttachmentsDataByUrl = false,
            AttachmentsSyncDirection = AttachmentsSyncDirection.Bidirectional,
            SyncModel = ReplicaSyncModel.PerLayer,
            ReplicaName = "integration",
            Async = true,
        });

        Assert.True(result.HasData);
        Assert.NotNull(result.ReplicaId);
        await using var download = await _clients.Features.OpenReplicaResultAsync(result.ResultUrl!);
        await using var reader = new ReplicaJsonReader(download.Content, new ReplicaJsonReaderOptions { SourceName = download.Url });
        var features = new Dictionary<int, int>();
        var attachments = 0;
        await foreach (var item in reader.ReadAsync())
        {
            switch (item)
            {
                case ReplicaFeature f:
                    features[f.LayerId] = features.GetValueOrDefault(f.LayerId) + 1;
                    break;
                case ReplicaAttachment a when a.HasData:
                    attachments++;
                    await using (var data = a.OpenData())
                    {
                        Assert.Equal(0xFF, data.ReadByte());
                        Assert.Equal(0xD8, data.ReadByte());
                    }
                    Assert.Equal(a.Size ?? a.DataLength, a.DataLength);
                    break;
            }
        }

        Assert.Equal(hydrantsInArea, features[0]);
        Assert.True(features.GetValueOrDefault(3) > 0, "related inspections come along");
        Assert.True(attachments > 0);
        Assert.Equal(result.ReplicaId, reader.Header.ReplicaId);
        Assert.Equal([0, 3], reader.Header.LayerServerGens.Select(g => g.LayerId).Order());
    }

    [Fact]
    public async Task Replica_SyncAndUnregister_RoundTrip()
    {
        var created = await _clients.Features.CreateReplicaAsync(WaterNetwork, new CreateReplicaParameters
        {
            Layers = [1],
            Geometry = Area,
            SyncModel = ReplicaSyncModel.PerReplica,
            Async = false,
            ReplicaName = "roundtrip",
        });
        await using var download = await _clients.Features.OpenReplicaResultAsync(created.ResultUrl!);
        await using var reader = new ReplicaJsonReader(download.Content);
        EsriFeature? valve = null;
        await foreach (var item in reader.ReadAsync())
        {
            if (item is ReplicaFeature { LayerId: 1 } f)
            {
                valve ??= f.Feature;
            }
        }
        var generation = reader.Header.ReplicaServerGen!.Value;
        var globalId = (string)valve!.GetAttribute("GlobalID")!;

        var sync = await _clients.Features.SynchronizeReplicaAsync(WaterNetwork, new SynchronizeReplicaParameters(created.ReplicaId!)
        {
            ReplicaServerGen = generation,
            Edits = [new ReplicaLayerEdits(1) { Updates = [new EsriFeature(new Dictionary<string, object?> { ["GlobalID"] = globalId, ["NORMALPOSITION"] = "Closed" })] }],
            Async = false,
        });
        var info = await _clients.Features.GetReplicaInfoAsync(WaterNetwork, created.ReplicaId!);
        var listed = await _clients.Features.GetReplicasAsync(WaterNetwork);
        var now = await _clients.Features.QueryPageAsync(ArcGisUrl.Append(WaterNetwork, "1"), new FeatureQuery { Where = $"GlobalID = '{globalId}'" });
        var unregistered = await _clients.Features.UnregisterReplicaAsync(WaterNetwork, created.ReplicaId!);

        Assert.True(sync.ReplicaServerGen > generation);
        Assert.False(sync.HasDeltaFile);
        Assert.Equal("perReplica", info.SyncModel);
        Assert.Contains(listed, r => string.Equals(r.ReplicaId, created.ReplicaId, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("Closed", Assert.Single(now.Features).GetAttribute("NORMALPOSITION"));
        Assert.True(unregistered);
        var gone = await Assert.ThrowsAsync<ArcGisServiceException>(() =>
            _clients.Features.SynchronizeReplicaAsync(WaterNetwork, new SynchronizeReplicaParameters(created.ReplicaId!) { ReplicaServerGen = sync.ReplicaServerGen, Async = false }));
        Assert.Equal(400, gone.Code);
    }

    [Fact]
    public async Task NonSyncService_CreateReplica_IsAServiceError()
    {
        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() =>
            _clients.Features.CreateReplicaAsync(new Uri(fixture.Server.ServicesUrl + "/CriticalCustomers/FeatureServer"),
                new CreateReplicaParameters { Layers = [0], Geometry = Area, Async = false }));

        Assert.Equal(400, e.Code);
    }

    [Fact]
    public async Task InjectedBurstOfErrors_IsRetriedTransparently()
    {
        var faults = fixture.Server.Services.GetRequiredService<SamplePortalFaults>();
        faults.FailNext(2, "/PressureZones/FeatureServer/0/query");
        try
        {
            var count = await _clients.Features.QueryCountAsync(new Uri(fixture.Server.ServicesUrl + "/PressureZones/FeatureServer/0"));

            Assert.Equal(6, count);
            Assert.Equal(2, _clients.Logs.Lines.Count(l => l.Category == "OfflinePortal.Core.ArcGis.Retries"));
        }
        finally
        {
            faults.Reset();
        }
    }

    [Fact]
    public async Task Security_GenerateTokenAndRenewalAfterExpiry()
    {
        await using var secured = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = 50;
            o.Security.Enabled = true;
            o.Security.Users.Add(new SamplePortalUser { Username = "crew", Password = "s3cret-pass" });
        });
        var portal = new Uri(secured.PortalUrl);
        var service = new Uri(secured.ServicesUrl + "/WaterNetwork/FeatureServer");
        var credential = ArcGisCredential.FromUsernamePassword(portal, "crew", "s3cret-pass");

        var anonymous = await Assert.ThrowsAsync<ArcGisServiceException>(() => _clients.Features.GetServiceInfoAsync(service));
        var info = await _clients.Portal.GetInfoAsync(portal);
        var before = await _clients.Features.GetServiceInfoAsync(service, credential);
        secured.Services.GetRequiredService<SamplePortalFaults>().ExpireAllTokens();
        var after = await _clients.Features.QueryCountAsync(ArcGisUrl.Append(service, "0"), credential: credential);
        var wrong = await Assert.ThrowsAsync<ArcGisServiceException>(() =>
            _clients.Features.GetServiceInfoAsync(service, ArcGisCredential.FromUsernamePassword(portal, "crew", "wrong")));

        Assert.True(anonymous.IsTokenRequired);
        Assert.True(info.IsTokenBasedSecurity);
        Assert.True(before.SupportsSync);
        Assert.Equal(50, after);
        Assert.Contains(_clients.Logs.Lines, l => l.Message.Contains("renewing it and retrying once", StringComparison.Ordinal));
        Assert.Contains("Signing in", wrong.Message);
        Assert.DoesNotContain("s3cret-pass", _clients.AllLogText());
    }
}
