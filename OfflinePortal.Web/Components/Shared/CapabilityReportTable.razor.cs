using System.Globalization;
using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.Offline;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>The capability report: every layer and table, whether it goes offline, why in plain words, and the remedy.</summary>
public sealed partial class CapabilityReportTable
{
    [Parameter, EditorRequired]
    public required OfflineMapCapabilities Capabilities { get; set; }

    [Parameter]
    public string Id { get; set; } = "capability-report";

    private IReadOnlyList<CapabilityReportRow> Rows => OfflineCapabilityReport.Rows(Capabilities);

    private string Summary
    {
        get
        {
            var rows = Rows;
            var offline = rows.Count(r => r.Status is OfflineCapabilityStatus.Offline or OfflineCapabilityStatus.OfflineReadOnly);
            var online = rows.Count(r => r.Status == OfflineCapabilityStatus.OnlineOnly);
            var errors = rows.Count(r => r.Status == OfflineCapabilityStatus.Error);
            return string.Create(CultureInfo.InvariantCulture,
                $"{offline} of {rows.Count} go offline, {online} stay online, {errors} cannot be used.");
        }
    }

    private static string KindText(CapabilityReportRow row) => row.Kind switch
    {
        OfflineLayerKind.FeatureLayer => "feature layer",
        OfflineLayerKind.Table => "table",
        OfflineLayerKind.TiledLayer => "tiled layer",
        OfflineLayerKind.VectorTileLayer => "vector tiles",
        OfflineLayerKind.FeatureCollection => "feature collection",
        OfflineLayerKind.GroupLayer => "group",
        _ => row.LayerType ?? "other",
    };
}
