using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>Who asks: the signed-in user (or the owner of an API key).</summary>
public sealed record JobActor(string UserId, string DisplayName);

/// <summary>A request to generate an offline map of an area. The web map defaults to the area's.</summary>
public sealed record CreateJobRequest(
    int AreaId,
    string? WebMapId = null,
    string? WebMapTitle = null,
    string? ParametersJson = null,
    string? OverridesJson = null);

/// <summary>The audit's filters, sort and page. Dates are UTC; <see cref="ToUtc"/> is exclusive.</summary>
public sealed record JobQuery
{
    public string? UserId { get; init; }

    public string? WebMapId { get; init; }

    public int? CrewId { get; init; }

    public IReadOnlyList<JobState>? States { get; init; }

    public DateTime? FromUtc { get; init; }

    public DateTime? ToUtc { get; init; }

    /// <summary>Matched (case-insensitively) against area, web map, crew, user and error text.</summary>
    public string? Text { get; init; }

    public JobSortColumn SortBy { get; init; } = JobSortColumn.Created;

    public bool Descending { get; init; } = true;

    /// <summary>Zero-based page index.</summary>
    public int Page { get; init; }

    public int PageSize { get; init; } = 25;

    public const int MaxPageSize = 500;
}

public enum JobSortColumn
{
    Created,
    Started,
    Finished,
    User,
    WebMap,
    Area,
    Crew,
    State,
    Duration,
    PackageSize,
    Attempt,
}

/// <summary>One row of the audit.</summary>
public sealed record JobSummary(
    Guid Id,
    string CreatedByUserId,
    string CreatedByName,
    DateTime CreatedUtc,
    DateTime? StartedUtc,
    DateTime? FinishedUtc,
    string WebMapId,
    string? WebMapTitle,
    int? AreaId,
    string AreaName,
    int? CrewId,
    string? CrewName,
    JobState State,
    double? DurationSeconds,
    long? PackageBytes,
    DateTime? PackageDeletedUtc,
    string? Error,
    int Attempt,
    Guid? RetryOfJobId);

public sealed record JobPage(IReadOnlyList<JobSummary> Items, int Total);

/// <summary>A job with everything the detail page shows except the log.</summary>
public sealed record JobDetails(Job Job, IReadOnlyList<JobLayerResult> Layers)
{
    public bool HasPackage => Job.PackagePath is not null && Job.PackageDeletedUtc is null;

    /// <summary>Why the package cannot be deleted by hand now, or null when it can (the API's 409 and the job page's button).</summary>
    public string? PackageDeletionRefusal =>
        !Job.State.IsFinished() ? "The job is still queued or running; cancel it first."
        : Job.PackageDeletedUtc is not null ? "The package was already deleted."
        : !HasPackage ? "This job has no package."
        : null;

    /// <summary>How the log line written by <see cref="JobService.DeletePackageAsync"/> starts; the reason follows.</summary>
    public const string PackageDeletedLogPrefix = "Package deleted: ";

    /// <summary>The reason <see cref="JobService.DeletePackageAsync"/> writes to the log when a person deletes a package.</summary>
    public static string DeletedByHandReason(JobActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return $"deleted by hand by {actor.DisplayName}.";
    }
}

/// <summary>What a cancel request did.</summary>
public enum JobCancelResult
{
    NotFound,
    Cancelled,
    CancellationRequested,
    AlreadyFinished,
}
