using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// Does the work of a job (the offline engine implements it). It runs on the <see cref="JobRunner"/>, never in a circuit;
/// it reports progress and log messages through the context, writes the package under
/// <see cref="JobExecutionContext.TemporaryDirectory"/> and moves it to <see cref="JobExecutionContext.PackageDirectory"/>
/// when done. Cancellation (user cancel or shutdown) arrives through the token as <see cref="OperationCanceledException"/>.
/// </summary>
public interface IJobExecutor
{
    Task<JobOutcome> ExecuteAsync(JobExecutionContext context, CancellationToken cancellationToken);
}

/// <summary>What a job executor is given.</summary>
public sealed class JobExecutionContext
{
    public required JobDefinition Job { get; init; }

    /// <summary>Overall fraction, step text and per-layer rows; cheap, kept in memory, pushed to watchers.</summary>
    public required IProgress<JobProgressUpdate> Progress { get; init; }

    /// <summary>Messages kept in the job's audit log (and shown live).</summary>
    public required IJobLog Log { get; init; }

    /// <summary>Where the finished package must end up: <c>&lt;packages&gt;/&lt;jobId&gt;</c>. It does not exist when the job starts.</summary>
    public required string PackageDirectory { get; init; }

    /// <summary>A sibling folder to build the package in (<c>&lt;jobId&gt;.partial</c>); removed with the package folder on cancel, failure or restart.</summary>
    public required string TemporaryDirectory { get; init; }
}

/// <summary>The job as it was requested (a copy of its record; the area geometry is the snapshot taken at creation).</summary>
public sealed record JobDefinition(
    Guid Id,
    string WebMapId,
    string? WebMapTitle,
    int? AreaId,
    string AreaName,
    string AreaGeoJson,
    int? CrewId,
    string? CrewName,
    string ParametersJson,
    string? OverridesJson,
    string CreatedByUserId,
    string CreatedByName,
    DateTime CreatedUtc,
    int Attempt)
{
    public static JobDefinition FromJob(Job job) => new(
        job.Id, job.WebMapId, job.WebMapTitle, job.AreaId, job.AreaName, job.AreaGeoJson, job.CrewId, job.CrewName,
        job.ParametersJson, job.OverridesJson, job.CreatedByUserId, job.CreatedByName, job.CreatedUtc, job.Attempt);
}

/// <summary>A progress report. Null members leave the previous value; layer rows replace rows with the same id.</summary>
public sealed record JobProgressUpdate(double? Fraction = null, string? Step = null, IReadOnlyList<JobLayerProgress>? Layers = null);

/// <summary>The job's log: every message is stored with the job and shown live.</summary>
public interface IJobLog
{
    void Write(JobLogLevel level, string message);
}

public static class JobLogExtensions
{
    public static void Info(this IJobLog log, string message) => log.Write(JobLogLevel.Information, message);

    public static void Warning(this IJobLog log, string message) => log.Write(JobLogLevel.Warning, message);

    public static void Error(this IJobLog log, string message) => log.Write(JobLogLevel.Error, message);
}

/// <summary>How a job ended (cancellation is not an outcome: it is an <see cref="OperationCanceledException"/>).</summary>
public sealed record JobOutcome
{
    private JobOutcome(JobState state, IReadOnlyList<JobLayerOutcome> layers, string? error)
    {
        State = state;
        Layers = layers;
        Error = error;
    }

    public JobState State { get; }

    public IReadOnlyList<JobLayerOutcome> Layers { get; }

    public string? Error { get; }

    public static JobOutcome Succeeded(IReadOnlyList<JobLayerOutcome> layers) => new(JobState.Succeeded, layers, null);

    /// <summary>A package was made, but some layers failed (continueOnErrors).</summary>
    public static JobOutcome SucceededWithErrors(IReadOnlyList<JobLayerOutcome> layers, string error) =>
        new(JobState.SucceededWithErrors, layers, error);

    public static JobOutcome Failed(string error, IReadOnlyList<JobLayerOutcome>? layers = null) =>
        new(JobState.Failed, layers ?? [], error);
}

/// <summary>The final result of one layer or table, as the package manifest records it.</summary>
public sealed record JobLayerOutcome(
    string LayerId,
    string Title,
    string Kind,
    LayerResultStatus Status,
    long? FeatureCount = null,
    long? Bytes = null,
    string? Error = null);
