using System.ComponentModel.DataAnnotations;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>Settings of the sample tile services (configuration section <c>SamplePortal:Tiles</c>).</summary>
public sealed class SampleTileOptions
{
    public const string SectionName = "SamplePortal:Tiles";

    /// <summary>Largest tile count an exportTiles or estimateExportTilesSize job accepts (ArcGIS's default is 100000).</summary>
    [Range(1, int.MaxValue)]
    public int MaxExportTilesCount { get; set; } = 100_000;

    /// <summary>Bound of the in-memory cache of rendered tiles, in megabytes; 0 turns the cache off.</summary>
    [Range(0, 4096)]
    public int TileCacheMegabytes { get; set; } = 64;

    /// <summary><c>Cache-Control: max-age</c> of tile responses, in seconds (tiles also carry an ETag).</summary>
    [Range(0, 31_536_000)]
    public int TileMaxAgeSeconds { get; set; } = 60;

    /// <summary>How long finished export jobs, their files and exported map images are kept, in minutes.</summary>
    [Range(1, 7 * 24 * 60)]
    public int JobRetentionMinutes { get; set; } = 60;
}
