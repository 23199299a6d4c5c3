namespace OfflinePortal.Core.Persistence;

/// <summary>
/// One offline-map generation job and its audit record. Once finished, nothing changes except
/// <see cref="PackageDeletedUtc"/> (enforced by <see cref="AuditImmutabilityInterceptor"/>).
/// </summary>
public sealed class Job
{
    public Guid Id { get; set; }

    public required string CreatedByUserId { get; set; }

    public required string CreatedByName { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime? StartedUtc { get; set; }

    public DateTime? FinishedUtc { get; set; }

    public required string WebMapId { get; set; }

    public string? WebMapTitle { get; set; }

    public int? AreaId { get; set; }

    public required string AreaName { get; set; }

    /// <summary>The area's geometry as it was when the job was created (the area may change later).</summary>
    public required string AreaGeoJson { get; set; }

    public int? CrewId { get; set; }

    public string? CrewName { get; set; }

    /// <summary>GenerateOfflineMapParameters as JSON.</summary>
    public string ParametersJson { get; set; } = "{}";

    /// <summary>GenerateOfflineMapParameterOverrides as JSON, when any.</summary>
    public string? OverridesJson { get; set; }

    public JobState State { get; set; }

    public double Progress { get; set; }

    public string? CurrentStep { get; set; }

    /// <summary>Package folder relative to the packages directory (the job id).</summary>
    public string? PackagePath { get; set; }

    public long? PackageBytes { get; set; }

    public DateTime? PackageDeletedUtc { get; set; }

    public string? Error { get; set; }

    /// <summary>The job this one runs again ("run again"), when it is a retry.</summary>
    public Guid? RetryOfJobId { get; set; }

    /// <summary>1 for a new job, previous attempt + 1 for a retry.</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>How many times a restart of the portal re-queued this job while it was running.</summary>
    public int RestartCount { get; set; }

    /// <summary>Host name of the node that ran (or runs) the job.</summary>
    public string? Node { get; set; }

    /// <summary>Duration in seconds once finished; stored so the audit can sort and filter on it in SQL.</summary>
    public double? DurationSeconds { get; set; }

    public List<JobLayerResult> Layers { get; set; } = [];
}
