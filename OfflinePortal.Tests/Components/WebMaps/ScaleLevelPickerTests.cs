using System.Text.Json;
using Bunit;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.Offline;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Tests.Components.WebMaps;

/// <summary>The scale range picker on the levels of a real tiling scheme (ArcGIS Online's World Street Map, captured).</summary>
public sealed class ScaleLevelPickerTests : MudBunitContext
{
    private static readonly TileInfo WorldStreetMap = LoadTileInfo();

    private static TileInfo LoadTileInfo()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("mapserver-tiled-world-street-map-10.01.json")));
        return TileInfoParser.Parse(doc.RootElement.GetProperty("tileInfo"))!;
    }

    [Fact]
    public void Levels_OfARealTilingScheme_ShowLevelScaleAndWord()
    {
        var levels = MapScales.Levels(WorldStreetMap);
        var cut = Render<ScaleLevelPicker>(p => p.Add(x => x.Levels, levels));

        var rows = cut.FindAll("tr[data-level]");
        Assert.Equal(WorldStreetMap.Lods.Count, rows.Count);
        string Row(int level) => cut.Find($"tr[data-level='{level}']").TextContent;
        Assert.Contains("1:591,657,528", Row(0), StringComparison.Ordinal);
        Assert.Contains("world", Row(0), StringComparison.Ordinal);
        Assert.Contains("country", Row(5), StringComparison.Ordinal);
        Assert.Contains("region", Row(8), StringComparison.Ordinal);
        Assert.Contains("city", Row(10), StringComparison.Ordinal);
        Assert.Contains("1:144,448", Row(12), StringComparison.Ordinal);
        Assert.Contains("town", Row(12), StringComparison.Ordinal);
        Assert.Contains("neighbourhood", Row(14), StringComparison.Ordinal);
        Assert.Contains("streets", Row(16), StringComparison.Ordinal);
        Assert.Contains("neighbourhood", Row(15), StringComparison.Ordinal);
    }

    [Fact]
    public void PickingFromAndTo_ReportsTheLevelsScales()
    {
        var levels = MapScales.Levels(WorldStreetMap);
        double? min = null, max = null;
        var cut = Render<ScaleLevelPicker>(p => p
            .Add(x => x.Levels, levels)
            .Add(x => x.MinScaleChanged, v => min = v)
            .Add(x => x.MaxScaleChanged, v => max = v));

        cut.Find("tr[data-level='13'] input.scale-min").Change(true);
        cut.Find("tr[data-level='15'] input.scale-max").Change(true);

        Assert.Equal(WorldStreetMap.FindLevel(13)!.Scale, min);
        Assert.Equal(WorldStreetMap.FindLevel(15)!.Scale, max);
    }

    [Fact]
    public void ChosenRange_IsMarkedAndSummedUp()
    {
        var levels = MapScales.Levels(WorldStreetMap);
        var cut = Render<ScaleLevelPicker>(p => p
            .Add(x => x.Levels, levels)
            .Add(x => x.MinScale, 72_224)
            .Add(x => x.MaxScale, 18_056));

        Assert.True(cut.Find("tr[data-level='13'] input.scale-min").HasAttribute("checked"));
        Assert.True(cut.Find("tr[data-level='15'] input.scale-max").HasAttribute("checked"));
        Assert.Equal(["13", "14", "15"], cut.FindAll("tr.scale-picker-in[data-level]").Select(r => r.GetAttribute("data-level")));
        Assert.Contains("From 1:72,224 (town) to 1:18,056 (neighbourhood): 3 level(s).", cut.Find("#scale-range-summary").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_IsShownBesideThePicker()
    {
        var cut = Render<ScaleLevelPicker>(p => p
            .Add(x => x.Levels, MapScales.Levels(WorldStreetMap))
            .Add(x => x.Error, "The minimum scale must be at least the maximum scale."));
        Assert.Equal("The minimum scale must be at least the maximum scale.", cut.Find("#scale-range-error").TextContent);
        Assert.Contains("scale-range-error", cut.Find("fieldset").GetAttribute("aria-describedby"), StringComparison.Ordinal);
    }
}
