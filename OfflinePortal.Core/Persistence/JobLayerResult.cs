namespace OfflinePortal.Core.Persistence;

/// <summary>What happened to one layer or table of the web map in a finished job.</summary>
public sealed class JobLayerResult
{
    public long Id { get; set; }

    public Guid JobId { get; set; }

    /// <summary>The layer's id in the web map (operational layer id or table id).</summary>
    public required string LayerId { get; set; }

    public required string Title { get; set; }

    /// <summary>feature-layer, table, tiled, vector-tiled, basemap, ...</summary>
    public required string Kind { get; set; }

    public LayerResultStatus Status { get; set; }

    public long? FeatureCount { get; set; }

    public long? Bytes { get; set; }

    public string? Error { get; set; }
}

/// <summary>The package manifest's per-layer status.</summary>
public enum LayerResultStatus
{
    Offline = 0,
    OnlineOnly = 1,
    Omitted = 2,
    Failed = 3,
}
