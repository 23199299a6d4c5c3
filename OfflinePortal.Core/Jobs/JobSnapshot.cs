using System.Collections.Immutable;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// The live state of one job at one moment; immutable. <see cref="Version"/> grows with every change across all jobs,
/// so a watcher can drop a snapshot older than one it has already seen.
/// </summary>
public sealed record JobSnapshot
{
    public required Guid JobId { get; init; }

    public long Version { get; init; }

    public required JobState State { get; init; }

    /// <summary>Overall progress, 0 to 1.</summary>
    public double Fraction { get; init; }

    public string? CurrentStep { get; init; }

    public ImmutableArray<JobLayerProgress> Layers { get; init; } = [];

    /// <summary>The last log lines (<see cref="JobsOptions.LogTailLines"/>), oldest first.</summary>
    public ImmutableArray<JobLogLine> LogTail { get; init; } = [];

    public required string CreatedByUserId { get; init; }

    public required string CreatedByName { get; init; }

    public required string WebMapId { get; init; }

    public string? WebMapTitle { get; init; }

    public required string AreaName { get; init; }

    public string? CrewName { get; init; }

    public DateTime CreatedUtc { get; init; }

    public DateTime? StartedUtc { get; init; }

    public DateTime? FinishedUtc { get; init; }

    public string? Error { get; init; }

    public long? PackageBytes { get; init; }

    public int Attempt { get; init; } = 1;

    public bool IsFinished => State.IsFinished();

    /// <summary>Rows, features or tiles done, summed over the layers (the live view's overall count).</summary>
    public long LayersDone => Layers.Sum(l => l.Done ?? 0);

    /// <summary>The sum of the layers' known totals, or null while no layer knows its total yet.</summary>
    public long? LayersTotal => Layers.Any(l => l.Total is not null) ? Layers.Sum(l => l.Total ?? 0) : null;

    /// <summary>Bytes written so far, summed over the layers.</summary>
    public long LayersBytes => Layers.Sum(l => l.Bytes);

    public static JobSnapshot FromJob(Job job) => new()
    {
        JobId = job.Id,
        State = job.State,
        Fraction = job.Progress,
        CurrentStep = job.CurrentStep,
        CreatedByUserId = job.CreatedByUserId,
        CreatedByName = job.CreatedByName,
        WebMapId = job.WebMapId,
        WebMapTitle = job.WebMapTitle,
        AreaName = job.AreaName,
        CrewName = job.CrewName,
        CreatedUtc = job.CreatedUtc,
        StartedUtc = job.StartedUtc,
        FinishedUtc = job.FinishedUtc,
        Error = job.Error,
        PackageBytes = job.PackageBytes,
        Attempt = job.Attempt,
    };
}

/// <summary>One layer's row in a live job: how far it got, how many features and bytes.</summary>
public sealed record JobLayerProgress(
    string LayerId,
    string Title,
    string Kind,
    JobLayerPhase Phase,
    double Fraction = 0,
    long? Done = null,
    long? Total = null,
    long Bytes = 0,
    string? Error = null)
{
    public bool IsComplete => Phase is not (JobLayerPhase.Pending or JobLayerPhase.Running);
}

/// <summary>Where a layer is in a running job; the last four match <see cref="LayerResultStatus"/>.</summary>
public enum JobLayerPhase
{
    Pending,
    Running,
    Offline,
    OnlineOnly,
    Omitted,
    Failed,
}

/// <summary>A log message as the live view shows it.</summary>
public sealed record JobLogLine(int Sequence, DateTime TimestampUtc, JobLogLevel Level, string Message);
