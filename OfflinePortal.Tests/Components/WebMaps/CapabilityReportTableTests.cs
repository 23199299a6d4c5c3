using Bunit;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.Offline;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Tests.Components.WebMaps;

/// <summary>The capability report table, fed the engine's real report of the sample portal's "every kind of layer" map.</summary>
public sealed class CapabilityReportTableTests(SamplePortalEngineFixture sample) : MudBunitContext, IClassFixture<SamplePortalEngineFixture>
{
    [Fact]
    public async Task Report_ShowsEveryLayerAndTableWithStatusReasonAndRemedy()
    {
        var task = await sample.OpenAsync(SampleItemIds.NetworkOverviewMap);
        var capabilities = await task.GetOfflineMapCapabilitiesAsync();
        var cut = Render<CapabilityReportTable>(p => p.Add(x => x.Capabilities, capabilities));

        var rows = cut.FindAll("tbody tr");
        Assert.Equal(capabilities.LayerCapabilities.Count + capabilities.TableCapabilities.Count, rows.Count);
        foreach (var capability in capabilities.All)
        {
            var row = rows.Single(r => r.QuerySelector($"[data-capability-id='{capability.Id}']") is not null);
            Assert.Contains(OfflineCapabilityReport.StatusText(capability.Status), row.QuerySelector(".capability-status")!.TextContent, StringComparison.Ordinal);
            Assert.Equal(capability.Reason, row.QuerySelector(".capability-reason")!.TextContent.Trim());
            Assert.Equal(capability.Remedy ?? "—", row.QuerySelector(".capability-remedy")!.TextContent.Trim());
        }
        var retired = rows.Single(r => r.QuerySelector("[data-capability-id='Retired_0']") is not null);
        Assert.Contains("Cannot be used", retired.TextContent, StringComparison.Ordinal);
        var wms = rows.Single(r => r.QuerySelector("[data-capability-id='USGS_Topo_WMS']") is not null);
        Assert.Contains("Stays online", wms.TextContent, StringComparison.Ordinal);
        Assert.Contains("table", rows.Single(r => r.QuerySelector("[data-capability-id='Inspections_3']") is not null).TextContent, StringComparison.Ordinal);

        var errors = capabilities.All.Count(c => c.Status == OfflineCapabilityStatus.Error);
        Assert.Contains($"{errors} cannot be used", cut.Find("#capability-report-summary").TextContent, StringComparison.Ordinal);
    }
}
