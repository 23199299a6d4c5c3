using System.Globalization;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Offline;

/// <summary>A level of detail a supervisor can pick: its level number, scale, and what one sees at that scale.</summary>
/// <param name="Level">The level id in the tiling scheme.</param>
/// <param name="Scale">The scale denominator (72,224 for 1:72,224).</param>
/// <param name="Word">What the scale shows: world, country, region, city, town, neighbourhood, streets or buildings.</param>
public sealed record ScaleLevel(int Level, double Scale, string Word)
{
    /// <summary>E.g. "1:72,224 (town)".</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"1:{Scale:N0} ({Word})");
}

/// <summary>Scales in words, and the levels of tiling schemes as a supervisor picks them.</summary>
public static class MapScales
{
    /// <summary>The word for what a map at <paramref name="scale"/> (1:scale) shows, from "world" down to "buildings".</summary>
    /// <remarks>
    /// The bands follow the Web Mercator levels most services use: levels 0-3 world, 4-6 country, 7-9 region, 10-11 city,
    /// 12-13 town, 14-15 neighbourhood, 16-17 streets, 18 and closer buildings.
    /// </remarks>
    public static string Describe(double scale) => scale switch
    {
        >= 50_000_000 => "world",
        >= 6_000_000 => "country",
        >= 1_000_000 => "region",
        >= 200_000 => "city",
        >= 50_000 => "town",
        >= 12_000 => "neighbourhood",
        >= 2_500 => "streets",
        _ => "buildings",
    };

    /// <summary>The levels of one tiling scheme, most zoomed-out first.</summary>
    public static IReadOnlyList<ScaleLevel> Levels(TileInfo tileInfo)
    {
        ArgumentNullException.ThrowIfNull(tileInfo);
        return [.. tileInfo.Lods.Where(l => l.Scale > 0).OrderByDescending(l => l.Scale).Select(l => new ScaleLevel(l.Level, l.Scale, Describe(l.Scale)))];
    }

    /// <summary>
    /// The levels of several tiling schemes together, most zoomed-out first: a scale shared by several schemes (within
    /// 1 %) appears once, with the level number of the first scheme that has it.
    /// </summary>
    public static IReadOnlyList<ScaleLevel> Levels(IEnumerable<TileInfo> tileInfos)
    {
        ArgumentNullException.ThrowIfNull(tileInfos);
        var result = new List<ScaleLevel>();
        foreach (var level in tileInfos.SelectMany(Levels))
        {
            if (!result.Any(r => Math.Abs(r.Scale - level.Scale) <= r.Scale * 0.01))
            {
                result.Add(level);
            }
        }
        return [.. result.OrderByDescending(l => l.Scale)];
    }

    /// <summary>The level whose scale is nearest to <paramref name="scale"/> (by ratio), or null when there are none or the scale is 0 (no limit).</summary>
    public static ScaleLevel? Nearest(IReadOnlyList<ScaleLevel> levels, double scale)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return scale > 0 && levels.Count > 0 ? levels.MinBy(l => Math.Abs(Math.Log(l.Scale / scale))) : null;
    }
}
