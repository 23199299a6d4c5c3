namespace OfflinePortal.Core.Offline;

/// <summary>
/// Tiles of one level of a tiled or vector tile layer in the area: the exact count, and bytes estimated from
/// <see cref="SampledTiles"/> real tiles of this level (their mean size times the count).
/// </summary>
public sealed record TileLevelEstimate(int Level, double Scale, long TileCount, long EstimatedBytes)
{
    /// <summary>Tiles of this level actually downloaded to measure their size (0: the size comes from other levels).</summary>
    public int SampledTiles { get; init; }

    /// <summary>Mean bytes of the sampled tiles (0 when none could be sampled).</summary>
    public double SampledBytesPerTile { get; init; }
}

/// <summary>A tiled or vector tile layer: tiles per level, the total, and the service's export limit.</summary>
public sealed record TileLayerEstimate(string LayerId, string Title, string ServiceUrl, OfflineLayerKind Kind, IReadOnlyList<TileLevelEstimate> Levels)
{
    /// <summary>File bytes per tile byte: SQLite pages are not filled by tiles of a few kilobytes (measured 1.14–1.18 on ours).</summary>
    public const double StorageFactor = 1.16;

    /// <summary>Fixed bytes of a tile file (metadata tables, indexes).</summary>
    public const long FileOverheadBytes = 32 * 1024;

    /// <summary>The service's <c>maxExportTilesCount</c>, when it has one.</summary>
    public long? MaxExportTilesCount { get; init; }

    /// <summary>Mean bytes of all tiles sampled for this layer (0 when none could be sampled).</summary>
    public double SampledBytesPerTile { get; init; }

    public int SampledTiles => Levels.Sum(l => l.SampledTiles);

    public long TileCount => Levels.Sum(l => l.TileCount);

    /// <summary>Estimated bytes of the tile file: the tiles' bytes with page overhead, plus the file's fixed part.</summary>
    public long EstimatedBytes => (long)Math.Round(Levels.Sum(l => l.EstimatedBytes) * StorageFactor) + FileOverheadBytes;

    public bool ExceedsLimit => MaxExportTilesCount is { } max && TileCount > max;
}

/// <summary>A feature layer or table: how many rows the replica or snapshot will hold, and its attachments.</summary>
public sealed record FeatureLayerEstimate(string LayerId, string Title, string ServiceUrl, int ServiceLayerId, long FeatureCount)
{
    public long AttachmentCount { get; init; }

    public long AttachmentBytes { get; init; }

    /// <summary>Estimated bytes in the GeoPackage (rows, geometry, indexes and attachments).</summary>
    public long EstimatedBytes { get; init; }

    /// <summary>Rows (and their attachments) downloaded to measure row and attachment sizes.</summary>
    public int SampledFeatures { get; init; }

    /// <summary>
    /// True when the count is a projection rather than the service's own count: rows of a destination table that come
    /// only as related rows are estimated in proportion to the share of the origin's rows in the area.
    /// </summary>
    public bool IsApproximate { get; init; }

    /// <summary>Set when the count could not be read (e.g. the service refused the query); the estimate is then partial.</summary>
    public string? Error { get; init; }
}

/// <summary>What a job would download, before anything is downloaded.</summary>
public sealed record OfflineMapEstimate(IReadOnlyList<TileLayerEstimate> TileLayers, IReadOnlyList<FeatureLayerEstimate> FeatureLayers)
{
    /// <summary>Fixed bytes of a feature GeoPackage without layers (metadata and sync tables), measured on ours.</summary>
    public const long GeoPackageOverheadBytes = 80 * 1024;

    /// <summary>Fixed bytes a layer adds to its GeoPackage (table, spatial index, metadata rows), measured on ours.</summary>
    public const long LayerOverheadBytes = 38 * 1024;

    /// <summary>Fixed bytes a layer with attachments adds for its attachment and mapping tables, measured on ours.</summary>
    public const long AttachmentTablesOverheadBytes = 62 * 1024;

    /// <summary>Number of feature GeoPackages (one per feature service) the package will hold.</summary>
    public int FeatureServiceCount { get; init; }

    public long TileCount => TileLayers.Sum(l => l.TileCount);

    public long FeatureCount => FeatureLayers.Sum(l => l.FeatureCount);

    public long AttachmentBytes => FeatureLayers.Sum(l => l.AttachmentBytes);

    /// <summary>Estimated bytes of the feature GeoPackages, attachments included.</summary>
    public long GeoPackageBytes => FeatureLayers.Sum(l => l.EstimatedBytes) + (FeatureServiceCount * GeoPackageOverheadBytes);

    /// <summary>The whole package: tile files, feature GeoPackages, and the small files (map, manifest, thumbnail).</summary>
    public long TotalBytes => TileLayers.Sum(l => l.EstimatedBytes) + GeoPackageBytes + (128 * 1024);

    /// <summary>Every tile limit the run would break, as sentences naming the layer, the count and the limit.</summary>
    public IReadOnlyList<string> LimitViolations =>
        TileLayers.Where(l => l.ExceedsLimit)
            .Select(l => FormattableString.Invariant(
                $"'{l.Title}' needs {l.TileCount:N0} tiles, more than its service allows ({l.MaxExportTilesCount:N0}): choose a smaller area or fewer levels."))
            .ToList();

    public bool CanRun => LimitViolations.Count == 0;
}
