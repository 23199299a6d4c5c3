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

/// <summary>Live progress of one layer or table (or one feature service's replica).</summary>
public sealed record LayerJobProgress(string Id, string Title, LayerJobState State)
{
    /// <summary>What is happening now, e.g. "creating replica", "downloading tiles level 15".</summary>
    public string? Step { get; init; }

    /// <summary>Items done (features, tiles) and expected, when known.</summary>
    public long Done { get; init; }

    public long? Total { get; init; }

    public long Bytes { get; init; }

    public string? Error { get; init; }

    public double Fraction => Total is > 0 ? Math.Clamp((double)Done / Total.Value, 0, 1) : State is LayerJobState.Done ? 1 : 0;
}

/// <summary>A progress report of a running <see cref="GenerateOfflineMapJob"/>.</summary>
public sealed record GenerateOfflineMapProgress(double Fraction, string Step, IReadOnlyList<LayerJobProgress> Layers);

/// <summary>A line of the job's message log.</summary>
public sealed record JobMessage(DateTimeOffset Time, JobMessageSeverity Severity, string Text);

[JsonConverter(typeof(JsonStringEnumConverter<JobMessageSeverity>))]
public enum JobMessageSeverity
{
    Info,
    Warning,
    Error,
}
