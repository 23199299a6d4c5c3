using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Offline;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>The rules behind the pages: which URLs the proxy passes, scales in words, fields of validation messages, override edits.</summary>
public sealed class WebMapsHelpersTests(SamplePortalEngineFixture sample) : IClassFixture<SamplePortalEngineFixture>
{
    private static readonly Uri[] Roots =
    [
        new("https://services.example.com/arcgis/rest/services/Water/FeatureServer"),
        new("https://tiles.example.com:8443/arcgis/rest/services/Basemap/MapServer"),
    ];

    [Theory]
    [InlineData("https://services.example.com/arcgis/rest/services/Water/FeatureServer", true)]
    [InlineData("https://services.example.com/arcgis/rest/services/Water/FeatureServer/0/query?where=1=1", true)]
    [InlineData("https://SERVICES.example.com/arcgis/rest/services/water/featureserver/3", true)]
    [InlineData("https://tiles.example.com:8443/arcgis/rest/services/Basemap/MapServer/tile/3/2/1", true)]
    [InlineData("https://tiles.example.com/arcgis/rest/services/Basemap/MapServer/tile/3/2/1", false)]
    [InlineData("http://services.example.com/arcgis/rest/services/Water/FeatureServer/0", false)]
    [InlineData("https://services.example.com/arcgis/rest/services/Water/FeatureServerX/0", false)]
    [InlineData("https://services.example.com/arcgis/rest/services/Water/FeatureServer/../../Secret/FeatureServer/0", false)]
    [InlineData("https://services.example.com/arcgis/rest/services/Water/FeatureServer/%2e%2e/%2e%2e/Secret/FeatureServer/0", false)]
    [InlineData("https://user:pw@services.example.com/arcgis/rest/services/Water/FeatureServer/0", false)]
    [InlineData("https://services.example.com.evil.org/arcgis/rest/services/Water/FeatureServer/0", false)]
    [InlineData("ftp://services.example.com/arcgis/rest/services/Water/FeatureServer/0", false)]
    public void MatchServiceRoot_PassesOnlyUrlsUnderAReferencedService(string url, bool allowed)
    {
        Assert.Equal(allowed, WebMapCatalog.MatchServiceRoot(Roots, new Uri(url)) is not null);
    }

    [Theory]
    [InlineData("?https://h/s/FeatureServer/0/query?where=1%3D1&f=json", "https://h/s/FeatureServer/0/query", "where=1%3D1&f=json")]
    [InlineData("?https%3A%2F%2Fh%2Fs%2FMapServer%3Ff%3Djson", "https://h/s/MapServer", "f=json")]
    [InlineData("?https://h/s/MapServer/tile/1/2/3", "https://h/s/MapServer/tile/1/2/3", "")]
    [InlineData("?https://h/s/MapServer&f=json", "https://h/s/MapServer", "f=json")]
    public void SplitProxyTarget_ReadsEsriLeafletsProxyForm(string raw, string target, string query)
    {
        var (uri, rest) = WebMapsEndpoints.SplitProxyTarget(raw);
        Assert.Equal(target, uri!.OriginalString);
        Assert.Equal(query, rest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("?/relative/FeatureServer")]
    [InlineData("?javascript:alert(1)")]
    [InlineData("?file:///etc/passwd")]
    public void SplitProxyTarget_WithoutAnHttpUrl_GivesNoTarget(string raw) => Assert.Null(WebMapsEndpoints.SplitProxyTarget(raw).Target);

    [Theory]
    [InlineData("text/html; charset=utf-8", "text/plain; charset=utf-8")]
    [InlineData("application/javascript", "text/plain; charset=utf-8")]
    [InlineData("image/svg+xml", "text/plain; charset=utf-8")]
    [InlineData("application/json; charset=utf-8", "application/json; charset=utf-8")]
    [InlineData("image/png", "image/png")]
    [InlineData(null, "application/octet-stream")]
    public void SafeContentType_NeverServesAPageOfOurs(string? given, string expected) => Assert.Equal(expected, WebMapsEndpoints.SafeContentType(given));

    [Theory]
    [InlineData(591_657_528, "world")]
    [InlineData(36_978_595, "country")]
    [InlineData(4_622_324, "region")]
    [InlineData(577_791, "city")]
    [InlineData(144_448, "town")]
    [InlineData(36_112, "neighbourhood")]
    [InlineData(9_028, "streets")]
    [InlineData(2_257, "buildings")]
    [InlineData(282, "buildings")]
    public void Describe_NamesWhatAScaleShows(double scale, string word) => Assert.Equal(word, MapScales.Describe(scale));

    [Fact]
    public void Levels_OfSeveralSchemes_AreMergedByScale()
    {
        var a = new TileInfo(256, 256, 0, 0, [new Lod(0, 1000, 500_000), new Lod(1, 500, 250_000)]);
        var b = new TileInfo(512, 512, 0, 0, [new Lod(3, 1002, 501_000), new Lod(4, 125, 62_500)]);
        var levels = MapScales.Levels([a, b]);
        Assert.Equal([(0, 500_000d), (1, 250_000d), (4, 62_500d)], levels.Select(l => (l.Level, l.Scale)));
        Assert.Equal(1, MapScales.Nearest(levels, 240_000)!.Level);
        Assert.Null(MapScales.Nearest(levels, 0));
    }

    [Fact]
    public void ValidateByField_PlacesEveryMessageOfValidate()
    {
        var parameters = new GenerateOfflineMapParameters
        {
            AreaOfInterest = TestAreas.BlockPolygon,
            MinScale = 1_000,
            MaxScale = 50_000,
            ReferenceBasemapDirectory = "/data",
            ReturnLayerAttachmentOption = ReturnLayerAttachmentOption.None,
            AttachmentSyncDirection = AttachmentSyncDirection.Bidirectional,
            ItemInfo = new OfflineMapItemInfo { Title = new string('t', 300) },
        };
        var byField = OfflineParameterChoices.ValidateByField(parameters);
        Assert.Equal(parameters.Validate().Order(), byField.Values.SelectMany(m => m).Order());
        Assert.Equal([OfflineOptionField.Scale, OfflineOptionField.Basemap, OfflineOptionField.Attachments, OfflineOptionField.ItemInfo], byField.Keys.Order());
        Assert.Empty(OfflineParameterChoices.ValidateByField(new GenerateOfflineMapParameters { AreaOfInterest = TestAreas.BlockPolygon }));
    }

    [Fact]
    public async Task OverrideEdits_SurviveNewParameters_AndKeepASharedServiceLayerForItsOtherMapLayer()
    {
        var task = await sample.OpenAsync(SampleItemIds.NetworkOverviewMap);
        var capabilities = await task.GetOfflineMapCapabilitiesAsync();
        // The author keeps "Hydrants in service" online; "exclude" takes it offline like any other layer.
        var first = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.BlockPolygon, 80_000, 18_000) with
        {
            OnlineOnlyServicesOption = GenerateOfflineMapOnlineOnlyServicesOption.Exclude,
        };
        var water = sample.Probe.FeatureServer("WaterNetwork");
        var edits = OfflineOverrideEdits.None
            .WithLayerOption(water, 1, e => e with { WhereClause = "NORMALPOSITION = 'Open'" })
            .WithDisposition("Hydrants_repair", LayerDisposition.Omit)
            .WithDisposition("Mains_2", LayerDisposition.KeepOnline);

        // The scale changes: the overrides are made again from the parameters, and the edits applied on top.
        var second = first with { MinScale = 40_000, MaxScale = 9_000 };
        var overrides = edits.Apply(await task.CreateGenerateOfflineMapParameterOverridesAsync(second), capabilities);

        var gdb = overrides.GenerateGeodatabaseParameters[water];
        Assert.Equal("NORMALPOSITION = 'Open'", gdb.LayerOptions.Single(o => o.LayerId == 1).WhereClause);
        Assert.Contains("Hydrants_repair", overrides.OmittedLayers);
        Assert.Contains(gdb.LayerOptions, o => o.LayerId == 0);   // "Hydrants in service" still takes layer 0 offline
        Assert.DoesNotContain(gdb.LayerOptions, o => o.LayerId == 2);   // Mains stay online
        Assert.Contains("Mains_2", overrides.OnlineOnlyLayers);

        var estimate = await task.EstimateAsync(second, overrides);
        Assert.DoesNotContain(estimate.FeatureLayers, f => f.LayerId == "Mains_2");
        Assert.Contains(estimate.FeatureLayers, f => f.LayerId == "Hydrants_inservice");

        // Leaving out the other map layer too releases service layer 0.
        var both = edits.WithDisposition("Hydrants_inservice", LayerDisposition.Omit).Apply(await task.CreateGenerateOfflineMapParameterOverridesAsync(second), capabilities);
        Assert.DoesNotContain(both.GenerateGeodatabaseParameters[water].LayerOptions, o => o.LayerId == 0);
        Assert.True(edits.WithDisposition("Mains_2", LayerDisposition.Default).Dispositions.Count == 1);
    }

    [Fact]
    public async Task OverrideEdits_TileLevels_ReplaceTheLevelsTheScaleRangeGives()
    {
        var task = await sample.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var capabilities = await task.GetOfflineMapCapabilitiesAsync();
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.BlockPolygon, 80_000, 18_000);
        var fresh = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        var (layerId, export) = fresh.ExportTileCacheParameters.Single();
        Assert.Equal([13, 14, 15], export.LevelIds);

        var edited = OfflineOverrideEdits.None.WithTileLevels(layerId, [15, 13]).Apply(fresh, capabilities);
        Assert.Equal([13, 15], edited.ExportTileCacheParameters[layerId].LevelIds);
        Assert.Equal([13, 14, 15], fresh.ExportTileCacheParameters[layerId].LevelIds);   // the fresh overrides are not changed
        var estimate = await task.EstimateAsync(parameters, edited);
        Assert.Equal([13, 15], estimate.TileLayers.Single().Levels.Select(l => l.Level));
    }
}
