using Bunit;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.Offline;
using OfflinePortal.Web.Components.Pages.NewJob;

namespace OfflinePortal.Tests.Components.WebMaps;

/// <summary>The estimate panel, fed the engine's real estimates for areas of the sample portal's hydrant map.</summary>
public sealed class EstimatePanelTests(SamplePortalEngineFixture sample) : MudBunitContext, IClassFixture<SamplePortalEngineFixture>
{
    private async Task<OfflineMapEstimate> EstimateAsync(EsriGeometry area, double minScale, double maxScale)
    {
        var task = await sample.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(area, minScale, maxScale);
        return await task.EstimateAsync(parameters);
    }

    [Fact]
    public async Task Estimate_RendersTilesPerLayerAndLevel_FeaturesPerLayer_AndTotals()
    {
        var estimate = await EstimateAsync(TestAreas.BlockPolygon, TestAreas.MinScale, TestAreas.MaxScale);
        var started = 0;
        var cut = Render<EstimatePanel>(p => p.Add(x => x.Estimate, estimate).Add(x => x.OnStart, () => started++));

        var layer = Assert.Single(estimate.TileLayers);
        var section = cut.Find($".estimate-tile-layer[data-layer-id='{layer.LayerId}']");
        Assert.Equal("false", section.GetAttribute("data-exceeds"));
        var rows = section.QuerySelectorAll("tbody tr");
        Assert.Equal(layer.Levels.Select(l => l.Level.ToString(System.Globalization.CultureInfo.InvariantCulture)), rows.Select(r => r.GetAttribute("data-level")));
        Assert.Equal(["13", "14", "15"], rows.Select(r => r.GetAttribute("data-level")));
        foreach (var level in layer.Levels)
        {
            var row = section.QuerySelector($"tr[data-level='{level.Level}']")!;
            Assert.Equal(level.TileCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), row.QuerySelector(".estimate-tiles")!.TextContent);
            Assert.Contains(MapScales.Describe(level.Scale), row.TextContent, StringComparison.Ordinal);
        }
        Assert.Contains($"the service allows at most {layer.MaxExportTilesCount:N0}", section.TextContent, StringComparison.Ordinal);

        foreach (var features in estimate.FeatureLayers)
        {
            var row = cut.Find($"#estimate-features tr[data-layer-id='{features.LayerId}']");
            Assert.Equal(features.FeatureCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), row.QuerySelector(".estimate-features")!.TextContent);
        }
        Assert.Contains(estimate.FeatureLayers, f => f.FeatureCount > 0 && f.AttachmentCount > 0);
        Assert.Equal(estimate.TileCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), cut.Find("#estimate-total-tiles").TextContent);
        Assert.Equal(Web.Components.Shared.Format.Bytes(estimate.TotalBytes), cut.Find("#estimate-total-size").TextContent);

        Assert.Empty(cut.FindAll("#estimate-violations"));
        Assert.False(cut.Find("#job-start").HasAttribute("disabled"));
        cut.Find("#job-start").Click();
        Assert.Equal(1, started);
    }

    [Fact]
    public async Task Estimate_OverTheServicesTileLimit_ShowsTheViolationAndDisablesStartWithTheReason()
    {
        // About 40 × 40 km down to streets: far more tiles than the sample service's 100,000 per export.
        var wide = new EsriEnvelope(-122.95, 42.0, -122.45, 42.36) { SpatialReference = SpatialReference.Wgs84 };
        var estimate = await EstimateAsync(wide, 0, 2_000);
        Assert.False(estimate.CanRun);
        var started = 0;
        var cut = Render<EstimatePanel>(p => p.Add(x => x.Estimate, estimate).Add(x => x.OnStart, () => started++));

        var violation = Assert.Single(estimate.LimitViolations);
        Assert.Contains(violation, cut.Find("#estimate-violations").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find(".estimate-tile-layer").GetAttribute("data-exceeds"));
        Assert.True(cut.Find("#job-start").HasAttribute("disabled"));
        Assert.Contains(violation, cut.Find("#job-start-reason").TextContent, StringComparison.Ordinal);
        Assert.Equal(0, started);
    }

    [Fact]
    public async Task Start_IsDisabledWhileLoadingOrBlocked_WithTheReason()
    {
        var estimate = await EstimateAsync(TestAreas.BlockPolygon, TestAreas.MinScale, TestAreas.MaxScale);
        var cut = Render<EstimatePanel>(p => p.Add(x => x.Estimate, estimate).Add(x => x.Loading, true));
        Assert.True(cut.Find("#job-start").HasAttribute("disabled"));
        Assert.Contains("being updated", cut.Find("#job-start-reason").TextContent, StringComparison.Ordinal);

        cut.Render(p => p.Add(x => x.Loading, false).Add(x => x.BlockedReason, "correct the options marked in red."));
        Assert.True(cut.Find("#job-start").HasAttribute("disabled"));
        Assert.Contains("correct the options", cut.Find("#job-start-reason").TextContent, StringComparison.Ordinal);

        cut.Render(p => p.Add(x => x.BlockedReason, null).Add(x => x.Estimate, null).Add(x => x.Error, "The area of interest is empty."));
        Assert.Equal("The area of interest is empty.", cut.Find("#estimate-error").TextContent);
        Assert.True(cut.Find("#job-start").HasAttribute("disabled"));
    }
}
