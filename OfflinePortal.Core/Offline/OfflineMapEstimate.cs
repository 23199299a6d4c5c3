namespace OfflinePortal.Core.Offline;

/// <summary>Tiles of one level of a tiled or vector tile layer in the area.</summary>
public sealed record TileLevelEstimate(int Level, double Scale, long TileCount, long EstimatedBytes);

/// <summary>A tiled or vector tile layer: tiles per level, the total, and the service's export limit.</summary>
public sealed record TileLayerEstimate(string LayerId, string Title, string ServiceUrl, OfflineLayerKind Kind, IReadOnlyList<TileLevelEstimate> Levels)
{
    /// <summary>The service's <c>maxExportTilesCount</c>, when it has one.</summary>
    public long? MaxExportTilesCount { get; init; }

    /// <summary>Mean bytes of the tiles sampled to estimate sizes (0 when none could be sampled).</summary>
    public double SampledBytesPerTile { get; init; }

    public long TileCount => Levels.Sum(l => l.TileCount);

    public long EstimatedBytes => Levels.Sum(l => l.EstimatedBytes);

    public bool ExceedsLimit => MaxExportTilesCount is { } max && TileCount > max;
}

/// <summary>A feature layer or table: how many rows the replica or snapshot will hold, and its attachments.</summary>
public sealed record FeatureLayerEstimate(string LayerId, string Title, string ServiceUrl, int ServiceLayerId, long FeatureCount)
{
    public long AttachmentCount { get; init; }

    public long AttachmentBytes { get; init; }

    /// <summary>Estimated bytes in the GeoPackage (rows and attachments).</summary>
    public long EstimatedBytes { get; init; }

    /// <summary>Set when the count could not be read (e.g. the service refused the query); the estimate is then partial.</summary>
    public string? Error { get; init; }
}

/// <summary>What a job would download, before anything is downloaded.</summary>
public sealed record OfflineMapEstimate(IReadOnlyList<TileLayerEstimate> TileLayers, IReadOnlyList<FeatureLayerEstimate> FeatureLayers)
{
    public long TileCount => TileLayers.Sum(l => l.TileCount);

    public long FeatureCount => FeatureLayers.Sum(l => l.FeatureCount);

    public long TotalBytes => TileLayers.Sum(l => l.EstimatedBytes) + FeatureLayers.Sum(l => l.EstimatedBytes);

    /// <summary>Every tile limit the run would break, as sentences naming the layer, the count and the limit.</summary>
    public IReadOnlyList<string> LimitViolations =>
        TileLayers.Where(l => l.ExceedsLimit)
            .Select(l => FormattableString.Invariant(
                $"'{l.Title}' needs {l.TileCount:N0} tiles, more than its service allows ({l.MaxExportTilesCount:N0}): choose a smaller area or fewer levels."))
            .ToList();

    public bool CanRun => LimitViolations.Count == 0;
}
