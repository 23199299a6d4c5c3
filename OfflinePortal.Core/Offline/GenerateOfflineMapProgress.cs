using System.Text.Json.Serialization;

namespace OfflinePortal.Core.Offline;

/// <summary>Where one layer's work stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LayerJobState>))]
public enum LayerJobState
{
    Pending,
    Running,
    Done,
    OnlineOnly,
    Omitted,
    Failed,
    Cancelled,
}

/// <summary>
/// Live progress of one layer or table of the web map. Layers of one feature service share the service's step
/// (e.g. "creating replica") and count their own rows.
/// </summary>
public sealed record LayerJobProgress(string Id, string Title, LayerJobState State)
{
    /// <summary>What the layer is (feature layer, table, tiled layer…).</summary>
    public OfflineLayerKind Kind { get; init; }

    /// <summary>What is happening now, e.g. "creating replica", "downloading tiles level 15".</summary>
    public string? Step { get; init; }

    /// <summary>Items done (features, tiles) and expected, when known.</summary>
    public long Done { get; init; }

    public long? Total { get; init; }

    public long Bytes { get; init; }

    public string? Error { get; init; }

    public double Fraction => Total is > 0 ? Math.Clamp((double)Done / Total.Value, 0, 1) : State is LayerJobState.Done ? 1 : 0;
}

/// <summary>
/// A progress report of a running <see cref="GenerateOfflineMapJob"/>: the overall fraction (0 to 1), what the job does
/// now, every layer and table of the map with its own state, and running totals.
/// </summary>
public sealed record GenerateOfflineMapProgress(double Fraction, string Step, IReadOnlyList<LayerJobProgress> Layers)
{
    /// <summary>Feature and table rows written so far.</summary>
    public long FeaturesWritten { get; init; }

    public long AttachmentsWritten { get; init; }

    public long TilesWritten { get; init; }

    /// <summary>Bytes downloaded so far (replica files, tiles, attachments).</summary>
    public long BytesDownloaded { get; init; }
}

/// <summary>A line of the job's message log.</summary>
public sealed record JobMessage(DateTimeOffset Time, JobMessageSeverity Severity, string Text);

[JsonConverter(typeof(JsonStringEnumConverter<JobMessageSeverity>))]
public enum JobMessageSeverity
{
    Info,
    Warning,
    Error,
}
