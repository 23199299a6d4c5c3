using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Geometry;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// The task before any job: opening web maps, the capability report, default parameters from the author's settings,
/// overrides pre-filled from parameters, their JSON form, and the refusals of bad input.
/// </summary>
public sealed class OfflineMapTaskTests(ExtraMapsFixture fixture) : IClassFixture<ExtraMapsFixture>
{
    private static OfflineLayerCapability Get(OfflineMapCapabilities capabilities, string id) => capabilities.All.Single(c => c.Id == id);

    [Fact]
    public async Task Capabilities_NetworkOverview_ReportsEveryCaseWithReason()
    {
        var task = await fixture.OpenAsync(SampleItemIds.NetworkOverviewMap);

        var capabilities = await task.GetOfflineMapCapabilitiesAsync();

        Assert.True(capabilities.HasErrors);
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, Get(capabilities, "Hillshade_tiled").Status);
        Assert.Contains("exportTilesAllowed is false", Get(capabilities, "Hillshade_tiled").Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, Get(capabilities, "WaterNetwork_dynamic").Status);
        Assert.Contains("dynamic map service", Get(capabilities, "WaterNetwork_dynamic").Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, Get(capabilities, "USGS_Topo_WMS").Status);
        Assert.Contains("WMS", Get(capabilities, "USGS_Topo_WMS").Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, Get(capabilities, "Earthquakes_CSV").Status);
        Assert.Contains("CSV", Get(capabilities, "Earthquakes_CSV").Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineCapabilityStatus.Offline, Get(capabilities, "PressureZones_0").Status);
        Assert.Contains("read-only", Get(capabilities, "PressureZones_0").Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineCapabilityStatus.Offline, Get(capabilities, "Hydrants_repair").Status);
        var inService = Get(capabilities, "Hydrants_inservice");
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, inService.Status);
        Assert.True(inService.IsAuthoredOnlineOnly);
        Assert.Contains("Hydrants needing repair", inService.Reason, StringComparison.Ordinal);
        var customers = Get(capabilities, "CriticalCustomers_0");
        Assert.Equal(OfflineCapabilityStatus.OfflineReadOnly, customers.Status);
        Assert.Contains("not sync-enabled", customers.Reason, StringComparison.Ordinal);
        Assert.Contains("snapshot", customers.Reason, StringComparison.Ordinal);
        Assert.NotNull(customers.Remedy);
        var retired = Get(capabilities, "Retired_0");
        Assert.Equal(OfflineCapabilityStatus.Error, retired.Status);
        Assert.Contains("cannot be reached", retired.Reason, StringComparison.Ordinal);
        var basemap = Get(capabilities, "BasemapVector_vt");
        Assert.True(basemap.IsBasemap);
        Assert.Equal(OfflineCapabilityStatus.OfflineReadOnly, basemap.Status);
        Assert.Equal(OfflineLayerKind.VectorTileLayer, basemap.Kind);
        var inspections = Assert.Single(capabilities.TableCapabilities);
        Assert.Equal(("Inspections_3", OfflineCapabilityStatus.Offline), (inspections.Id, inspections.Status));
    }

    [Fact]
    public async Task Capabilities_EdgeCases_DuplicatesMapServerLayersGroupsAndCollections()
    {
        var task = await fixture.OpenAsync(ExtraWebMaps.EdgeCasesMap);

        var capabilities = await task.GetOfflineMapCapabilitiesAsync();

        Assert.Equal(OfflineCapabilityStatus.Offline, Get(capabilities, "Hydrants_a").Status);
        var duplicate = Get(capabilities, "Hydrants_b");
        Assert.Equal(OfflineCapabilityStatus.Error, duplicate.Status);
        Assert.Contains("('Hydrants A') already takes layer 0", duplicate.Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, Get(capabilities, "Valves_mapserver").Status);
        Assert.Contains("MapServer", Get(capabilities, "Valves_mapserver").Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, Get(capabilities, "Parcels_KML").Status);
        Assert.Contains("KML", Get(capabilities, "Parcels_KML").Reason, StringComparison.Ordinal);
        Assert.Equal(OfflineLayerKind.GroupLayer, Get(capabilities, "Network_group").Kind);
        Assert.Equal(OfflineCapabilityStatus.Offline, Get(capabilities, "Network_group").Status);
        Assert.Equal(OfflineCapabilityStatus.Offline, Get(capabilities, "Group_valves").Status);
        Assert.Equal(OfflineCapabilityStatus.OfflineReadOnly, Get(capabilities, "Notes_fc").Status);
        Assert.Equal(OfflineCapabilityStatus.OnlineOnly, Get(capabilities, "Network_as_tiles").Status);
        Assert.Contains("no tile cache", Get(capabilities, "Network_as_tiles").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capabilities_RetiredNetwork_EveryLayerAndTableIsAnError()
    {
        var task = await fixture.OpenAsync(SampleItemIds.RetiredNetworkMap);

        var capabilities = await task.GetOfflineMapCapabilitiesAsync();

        Assert.True(capabilities.HasErrors);
        Assert.All(capabilities.All, c => Assert.Equal(OfflineCapabilityStatus.Error, c.Status));
        Assert.All(capabilities.All, c => Assert.Contains("cannot be reached", c.Reason, StringComparison.Ordinal));
        Assert.Single(capabilities.TableCapabilities);
        Assert.Contains(capabilities.LayerCapabilities, c => c.IsBasemap);
    }

    [Fact]
    public async Task DefaultParameters_HydrantMaintenance_FollowAuthoredSettingsAndItem()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);

        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, 100_000, 5_000);

        Assert.Equal((100_000d, 5_000d), (parameters.MinScale, parameters.MaxScale));
        Assert.Equal(ReturnLayerAttachmentOption.AllLayers, parameters.ReturnLayerAttachmentOption);
        Assert.Equal(AttachmentSyncDirection.Bidirectional, parameters.AttachmentSyncDirection);
        Assert.False(parameters.ReturnSchemaOnlyForEditableLayers);
        Assert.Equal("AshlandBasemap.tpkx", parameters.ReferenceBasemapFilename);
        Assert.Null(parameters.ReferenceBasemapDirectory);
        Assert.False(parameters.UsesReferenceBasemap);
        Assert.Equal(GenerateOfflineMapOnlineOnlyServicesOption.Exclude, parameters.OnlineOnlyServicesOption);
        Assert.Equal(GenerateOfflineMapUpdateMode.SyncWithFeatureServices, parameters.UpdateMode);
        Assert.Equal("Hydrant Maintenance", parameters.ItemInfo!.Title);
        Assert.Equal("Field crews inspect and repair hydrants, offline.", parameters.ItemInfo.Snippet);
        Assert.Contains("hydrants", parameters.ItemInfo.Tags);
        Assert.Equal(0x89, parameters.ItemInfo.Thumbnail![0]);
        Assert.Empty(parameters.Validate());
    }

    [Fact]
    public async Task DefaultParameters_ConnectedOnlineLayers_UseAuthoredSettings()
    {
        var task = await fixture.OpenAsync(SampleItemIds.NetworkOverviewMap);

        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block);

        Assert.Equal(GenerateOfflineMapOnlineOnlyServicesOption.UseAuthoredSettings, parameters.OnlineOnlyServicesOption);
        Assert.Equal((0d, 0d), (parameters.MinScale, parameters.MaxScale));
    }

    [Fact]
    public async Task DefaultParameters_AuthoredSchemaOnlyAndUploadAttachments_MapToSchemaOnlyAndUpload()
    {
        var task = await fixture.OpenAsync(ExtraWebMaps.EdgeCasesMap);

        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block);

        Assert.True(parameters.ReturnSchemaOnlyForEditableLayers);
        Assert.Equal(ReturnLayerAttachmentOption.None, parameters.ReturnLayerAttachmentOption);
        Assert.Equal(AttachmentSyncDirection.Upload, parameters.AttachmentSyncDirection);
        Assert.Empty(parameters.Validate());
    }

    [Fact]
    public async Task Overrides_FromParameters_PrefillEveryDictionary()
    {
        var task = await fixture.OpenAsync(SampleItemIds.NetworkOverviewMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);

        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);

        var water = overrides.GenerateGeodatabaseParameters[fixture.Probe.FeatureServer("WaterNetwork")];
        Assert.Equal([0, 1, 2, 3], water.LayerOptions.Select(o => o.LayerId));
        var hydrants = water.LayerOptions.Single(o => o.LayerId == 0);
        Assert.Equal((GenerateLayerQueryOption.UseFilter, "STATUS = 'NeedsRepair'", true), (hydrants.QueryOption, hydrants.WhereClause, hydrants.UseGeometry));
        var inspections = water.LayerOptions.Single(o => o.LayerId == 3);
        Assert.Equal((GenerateLayerQueryOption.None, true), (inspections.QueryOption, inspections.IncludeRelated));
        Assert.Equal(SyncModel.Layer, water.SyncModel);
        Assert.True(water.ReturnAttachments);
        Assert.Equal(parameters.AreaOfInterest, water.Extent);
        var customers = overrides.GenerateGeodatabaseParameters[fixture.Probe.FeatureServer("CriticalCustomers")];
        Assert.True(customers.IsSnapshot);
        Assert.Equal(SyncModel.None, customers.SyncModel);
        Assert.Equal(14, overrides.ExportVectorTilesParameters["BasemapVector_vt"].MaxLevel);
        Assert.Empty(overrides.ExportTileCacheParameters);
        Assert.Contains("Hydrants_inservice", overrides.OnlineOnlyLayers);
        Assert.Equal(["Earthquakes_CSV", "Hillshade_tiled", "USGS_Topo_WMS", "WaterNetwork_dynamic"], overrides.OmittedLayers.Order(StringComparer.Ordinal));
        Assert.Empty(overrides.OnlineOnlyTables);
    }

    [Fact]
    public async Task Overrides_TiledBasemap_LevelsFromScaleRange()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);

        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);

        Assert.Equal([13, 14, 15], overrides.ExportTileCacheParameters["Basemap_tiled"].LevelIds);
        Assert.Equal(parameters.AreaOfInterest, overrides.ExportTileCacheParameters["Basemap_tiled"].AreaOfInterest);
    }

    [Fact]
    public async Task ParametersAndOverrides_RoundTripThroughJson()
    {
        var task = await fixture.OpenAsync(SampleItemIds.NetworkOverviewMap);
        var parameters = (await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.BlockPolygon, TestAreas.MinScale, TestAreas.MaxScale)) with
        {
            ReferenceBasemapDirectory = "/sdcard/basemaps",
            DestinationTableRowFilter = DestinationTableRowFilter.All,
        };
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);

        var parametersBack = OfflineJson.DeserializeParameters(OfflineJson.Serialize(parameters));
        var overridesBack = OfflineJson.DeserializeOverrides(OfflineJson.Serialize(overrides));

        Assert.Equal(OfflineJson.Serialize(parameters), OfflineJson.Serialize(parametersBack));
        Assert.Equal(OfflineJson.Serialize(overrides), OfflineJson.Serialize(overridesBack));
        var polygon = Assert.IsType<EsriPolygon>(parametersBack.AreaOfInterest);
        Assert.Equal(-122.72, polygon.Rings[0][0][0]);
        Assert.True(parametersBack.UsesReferenceBasemap);
        Assert.Equal(parameters.ItemInfo!.Thumbnail, parametersBack.ItemInfo!.Thumbnail);
        // Keys keep their comparer: service URLs match regardless of case.
        Assert.True(overridesBack.GenerateGeodatabaseParameters.ContainsKey(fixture.Probe.FeatureServer("WaterNetwork").ToUpperInvariant()));
        Assert.Contains("Hydrants_inservice", overridesBack.OnlineOnlyLayers);
        Assert.Throws<ArgumentException>(() => OfflineJson.DeserializeParameters("{\"minScale\": 5}"));
    }

    [Fact]
    public async Task Parameters_InvalidAttachmentCombination_RefusedWithClearMessage()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = (await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block)) with
        {
            ReturnLayerAttachmentOption = ReturnLayerAttachmentOption.None,
            AttachmentSyncDirection = AttachmentSyncDirection.Bidirectional,
        };

        var estimate = await Assert.ThrowsAsync<ArgumentException>(() => task.EstimateAsync(parameters));
        var overrides = await Assert.ThrowsAsync<ArgumentException>(() => task.CreateGenerateOfflineMapParameterOverridesAsync(parameters));

        Assert.Contains("Bidirectional attachment sync needs attachments to be downloaded", estimate.Message, StringComparison.Ordinal);
        Assert.Equal(estimate.Message, overrides.Message);
    }

    [Fact]
    public async Task Parameters_MinScaleBelowMaxScale_Refused()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, 1_000, 50_000));

        Assert.Contains("minimum scale (1:1,000) must be at least the maximum scale (1:50,000)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AreaOfInterest_Empty_Refused()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);

        var error = await Assert.ThrowsAsync<AreaOfInterestException>(() =>
            task.CreateDefaultGenerateOfflineMapParametersAsync(new EsriEnvelope(-122.71, 42.19, -122.71, 42.19) { SpatialReference = SpatialReference.Wgs84 }));

        Assert.Contains("has no area", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AreaOfInterest_SelfIntersecting_Refused()
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var bowtie = new EsriPolygon([[[-122.72, 42.18], [-122.70, 42.20], [-122.70, 42.18], [-122.72, 42.20], [-122.72, 42.18]]]) { SpatialReference = SpatialReference.Wgs84 };

        var error = await Assert.ThrowsAsync<AreaOfInterestException>(() => task.CreateDefaultGenerateOfflineMapParametersAsync(bowtie));

        Assert.Contains("must not cross itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenTask_UnknownWebMapId_FailsWithClearMessage()
    {
        var error = await Assert.ThrowsAsync<OfflineMapTaskException>(() => fixture.OpenAsync("0123456789abcdef0123456789abcdef"));

        Assert.Contains("has no item 0123456789abcdef0123456789abcdef", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenTask_ItemIsNotAWebMap_FailsWithClearMessage()
    {
        var error = await Assert.ThrowsAsync<OfflineMapTaskException>(() => fixture.OpenAsync(SampleItemIds.WaterNetworkService));

        Assert.Contains("is a Feature Service, not a web map", error.Message, StringComparison.Ordinal);
    }
}
