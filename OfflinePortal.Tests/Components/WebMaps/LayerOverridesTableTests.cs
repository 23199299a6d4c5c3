using Bunit;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.Offline;
using OfflinePortal.Web.Components.Pages.NewJob;

namespace OfflinePortal.Tests.Components.WebMaps;

/// <summary>The per-layer overrides table over the engine's real overrides: every change comes back as an edit.</summary>
public sealed class LayerOverridesTableTests(SamplePortalEngineFixture sample) : MudBunitContext, IClassFixture<SamplePortalEngineFixture>
{
    [Fact]
    public async Task Changes_ComeBackAsEdits_ThatTheOverridesThenShow()
    {
        var task = await sample.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var capabilities = await task.GetOfflineMapCapabilitiesAsync();
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.BlockPolygon, TestAreas.MinScale, TestAreas.MaxScale);
        var fresh = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        var edits = OfflineOverrideEdits.None;
        IRenderedComponent<LayerOverridesTable>? cut = null;
        cut = Render<LayerOverridesTable>(p => p
            .Add(x => x.Overrides, fresh)
            .Add(x => x.Capabilities, capabilities)
            .Add(x => x.TileLayers, OfflineMapService.TileLayers(task))
            .Add(x => x.Edits, edits)
            .Add(x => x.EditsChanged, changed =>
            {
                edits = changed;
                cut!.Render(q => q.Add(x => x.Edits, changed).Add(x => x.Overrides, changed.Apply(fresh, capabilities)));
            }));
        cut.Find("#overrides-panel .mud-expand-panel-header").Click();

        var water = sample.Probe.FeatureServer("WaterNetwork");
        var hydrants = cut.Find($".overrides-service[data-service='{water}'] tr[data-layer='0']");
        Assert.Contains("Hydrants", hydrants.TextContent, StringComparison.Ordinal);
        Assert.Equal("STATUS <> 'Retired'", hydrants.QuerySelector("input[data-field='where']")!.GetAttribute("value"));

        hydrants.QuerySelector("input[data-field='where']")!.Change("STATUS = 'NeedsRepair'");
        Assert.Equal("STATUS = 'NeedsRepair'", edits.LayerOptions[(water, 0)].WhereClause);
        Assert.False(hydrants.QuerySelector("input[data-field='null-geometry']")!.HasAttribute("checked"));
        hydrants.QuerySelector("input[data-field='null-geometry']")!.Change(true);
        Assert.True(edits.LayerOptions[(water, 0)].IncludeFeaturesWithNullGeometry);
        Assert.True(edits.Apply(fresh, capabilities).GenerateGeodatabaseParameters[water].LayerOptions.Single(o => o.LayerId == 0).IncludeFeaturesWithNullGeometry);
        Assert.True(cut.Find($".overrides-service[data-service='{water}'] tr[data-layer='0'] input[data-field='null-geometry']").HasAttribute("checked"));
        cut.Find($".overrides-service[data-service='{water}'] tr[data-layer='3'] select[data-field='query']").Change(nameof(GenerateLayerQueryOption.All));
        Assert.Equal(GenerateLayerQueryOption.All, edits.LayerOptions[(water, 3)].QueryOption);

        var tileLayer = fresh.ExportTileCacheParameters.Single().Key;
        cut.Find($"[data-tile-layer='{tileLayer}'] input[data-level='14']").Change(false);
        Assert.Equal([13, 15], edits.TileLevels[tileLayer]);

        cut.Find("#overrides-dispositions tr[data-layer-id='Mains_2'] select").Change(nameof(LayerDisposition.KeepOnline));
        Assert.Equal(LayerDisposition.KeepOnline, edits.Dispositions["Mains_2"]);
        Assert.Contains("stays online", cut.Find("#overrides-dispositions tr[data-layer-id='Mains_2']").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll($".overrides-service[data-service='{water}'] tr[data-layer='2']"));
        Assert.Equal("STATUS = 'NeedsRepair'", cut.Find($".overrides-service[data-service='{water}'] tr[data-layer='0'] input[data-field='where']").GetAttribute("value"));
    }
}
