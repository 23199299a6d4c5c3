using System.Globalization;
using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.Offline;

namespace OfflinePortal.Web.Components.Pages.NewJob;

/// <summary>
/// The per-layer overrides as an expandable table: per feature service its layers (where clause, rows, related rows,
/// area filter), per tiled layer its levels, per vector tile layer its most detailed level, and for every layer and table
/// "keep online" or "leave out". Changes are reported as <see cref="OfflineOverrideEdits"/>, which the page applies on top
/// of the overrides the options imply.
/// </summary>
public sealed partial class LayerOverridesTable
{
    private bool _expanded;

    [Parameter, EditorRequired]
    public required GenerateOfflineMapParameterOverrides Overrides { get; set; }

    [Parameter, EditorRequired]
    public required OfflineMapCapabilities Capabilities { get; set; }

    [Parameter]
    public IReadOnlyList<TileLayerScheme> TileLayers { get; set; } = [];

    [Parameter, EditorRequired]
    public required OfflineOverrideEdits Edits { get; set; }

    [Parameter]
    public EventCallback<OfflineOverrideEdits> EditsChanged { get; set; }

    [Parameter]
    public bool ReadOnly { get; set; }


    private TileLayerScheme? Scheme(string layerId) => TileLayers.FirstOrDefault(t => t.LayerId == layerId);

    private LayerDisposition Disposition(string layerId) => Edits.Dispositions.GetValueOrDefault(layerId, LayerDisposition.Default);

    private string Effect(string layerId) =>
        Overrides.OmittedLayers.Contains(layerId) ? "left out"
        : Overrides.OnlineOnlyLayers.Contains(layerId) || Overrides.OnlineOnlyTables.Contains(layerId) ? "stays online"
        : Capabilities.All.FirstOrDefault(c => c.Id == layerId) is { SupportsOffline: true } ? "goes offline"
        : "—";

    /// <summary>The map's titles of a service layer (several map layers may show one service layer).</summary>
    private string LayerTitle(string serviceUrl, int layerId)
    {
        var titles = Capabilities.All
            .Where(c => ArcGisServiceUrl.TryParse(c.Url) is { LayerId: { } id } s && id == layerId
                && string.Equals(s.ServiceUrl.OriginalString.TrimEnd('/'), serviceUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Title)
            .Distinct()
            .ToList();
        return titles.Count > 0
            ? string.Join(" / ", titles)
            : string.Create(CultureInfo.InvariantCulture, $"Layer {layerId}");
    }

    private static string ServiceTitle(string serviceUrl)
    {
        var segments = new Uri(serviceUrl).AbsolutePath.Trim('/').Split('/');
        return segments.Length >= 2 ? Uri.UnescapeDataString(segments[^2]) + " (" + segments[^1] + ")" : serviceUrl;
    }

    private static string ServiceSummary(GenerateGeodatabaseParameters gdb) =>
        (gdb.IsSnapshot ? "Read-only copy (the service cannot sync)" : gdb.SyncModel == SyncModel.None ? "Plain copy, no sync" : "Syncs")
        + (gdb.ReturnAttachments ? "; attachments downloaded" : "; no attachments downloaded")
        + (gdb.AttachmentSyncDirection switch
        {
            AttachmentSyncDirection.Bidirectional => ", synced both ways.",
            AttachmentSyncDirection.Upload => ", new ones uploaded.",
            _ => ".",
        });

    private Task EditLayerAsync(string serviceUrl, int layerId, Func<LayerOptionEdit, LayerOptionEdit> change) =>
        EditsChanged.InvokeAsync(Edits.WithLayerOption(serviceUrl, layerId, change));

    private Task ToggleLevelAsync(string layerId, IReadOnlyList<int> current, int level, bool on) =>
        EditsChanged.InvokeAsync(Edits.WithTileLevels(layerId, on ? [.. current, level] : [.. current.Where(l => l != level)]));

    private Task SetVectorLevelAsync(string layerId, int level) => EditsChanged.InvokeAsync(Edits.WithVectorMaxLevel(layerId, level));

    private Task SetDispositionAsync(string layerId, LayerDisposition disposition) => EditsChanged.InvokeAsync(Edits.WithDisposition(layerId, disposition));
}
