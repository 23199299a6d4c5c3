using System.Globalization;
using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.Offline;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>
/// Picks a scale range on the real levels of the map's tiled layers: each level with its scale and a word for what it
/// shows (world … buildings). The values are scales (0 = no limit), as <see cref="GenerateOfflineMapParameters"/> holds them.
/// </summary>
public sealed partial class ScaleLevelPicker
{
    [Parameter, EditorRequired]
    public IReadOnlyList<ScaleLevel> Levels { get; set; } = [];

    /// <summary>The most zoomed-out scale (0: no limit).</summary>
    [Parameter]
    public double MinScale { get; set; }

    [Parameter]
    public EventCallback<double> MinScaleChanged { get; set; }

    /// <summary>The most zoomed-in scale (0: no limit).</summary>
    [Parameter]
    public double MaxScale { get; set; }

    [Parameter]
    public EventCallback<double> MaxScaleChanged { get; set; }

    /// <summary>A validation message shown under the picker.</summary>
    [Parameter]
    public string? Error { get; set; }

    [Parameter]
    public bool ReadOnly { get; set; }

    [Parameter]
    public string Id { get; set; } = "scale-range";

    [Parameter]
    public string Legend { get; set; } = "Scale range";

    private string DescribedBy => Error is null ? $"{Id}-help" : $"{Id}-help {Id}-error";

    private ScaleLevel? MinLevel => MapScales.Nearest(Levels, MinScale);

    private ScaleLevel? MaxLevel => MapScales.Nearest(Levels, MaxScale);

    private bool IsMin(ScaleLevel level) => MinScale > 0 && MinLevel == level;

    private bool IsMax(ScaleLevel level) => MaxScale > 0 && MaxLevel == level;

    private bool InRange(ScaleLevel level) => (MinScale <= 0 || level.Scale <= MinScale * 1.01) && (MaxScale <= 0 || level.Scale >= MaxScale * 0.99);

    private string Summary
    {
        get
        {
            var from = MinScale > 0 ? MinLevel?.Label ?? Scale(MinScale) : "no limit";
            var to = MaxScale > 0 ? MaxLevel?.Label ?? Scale(MaxScale) : "no limit";
            var count = Levels.Count(InRange);
            return string.Create(CultureInfo.InvariantCulture, $"From {from} to {to}: {count} level(s).");
        }
    }

    private static string Scale(ScaleLevel level) => Scale(level.Scale);

    private static string Scale(double scale) => string.Create(CultureInfo.InvariantCulture, $"1:{scale:N0}");

    private Task SetMinAsync(double scale) => MinScaleChanged.InvokeAsync(scale);

    private Task SetMaxAsync(double scale) => MaxScaleChanged.InvokeAsync(scale);
}
