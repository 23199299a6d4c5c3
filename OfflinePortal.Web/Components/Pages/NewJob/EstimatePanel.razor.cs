using System.Globalization;
using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.Offline;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Web.Components.Pages.NewJob;

/// <summary>
/// What a job would download (tiles per layer and level, features and attachments per layer, the total and each
/// service's tile limit), and the Start button: disabled, with the reason beside it, while a limit would be broken,
/// the options are invalid or the estimate is not there yet.
/// </summary>
public sealed partial class EstimatePanel
{
    [Parameter]
    public OfflineMapEstimate? Estimate { get; set; }

    [Parameter]
    public bool Loading { get; set; }

    /// <summary>Why the estimate could not be made.</summary>
    [Parameter]
    public string? Error { get; set; }

    /// <summary>A reason from outside the estimate that keeps Start disabled (invalid options, unusable area, no permission).</summary>
    [Parameter]
    public string? BlockedReason { get; set; }

    [Parameter]
    public bool Starting { get; set; }

    [Parameter]
    public EventCallback OnStart { get; set; }

    /// <summary>Null when the job can start; otherwise why not.</summary>
    public string? StartDisabledReason =>
        BlockedReason
        ?? (Error is not null ? "the estimate could not be made." : null)
        ?? (Loading ? "the estimate is being updated." : null)
        ?? (Estimate is not { } estimate ? "there is no estimate yet."
            : estimate.CanRun ? null : string.Join(" ", estimate.LimitViolations));

    private static string LimitText(TileLayerEstimate layer) => layer.MaxExportTilesCount is { } max
        ? string.Create(CultureInfo.InvariantCulture, $"{layer.TileCount:N0} tiles ({Format.Bytes(layer.EstimatedBytes)}); the service allows at most {max:N0} per export.")
        : string.Create(CultureInfo.InvariantCulture, $"{layer.TileCount:N0} tiles ({Format.Bytes(layer.EstimatedBytes)}).");

    private static string ScaleText(double scale) => string.Create(CultureInfo.InvariantCulture, $"1:{scale:N0} ({MapScales.Describe(scale)})");
}
