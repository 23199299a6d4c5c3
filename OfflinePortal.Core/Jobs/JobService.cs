using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>Creates, cancels and retries jobs, and reads them for the jobs page, the audit and the API.</summary>
public sealed class JobService(
    IDbContextFactory<PortalDbContext> dbFactory,
    JobQueue queue,
    JobMonitor monitor,
    JobRunner runner,
    PortalPaths paths,
    TimeProvider time,
    IOptions<JobsOptions> options,
    IEnumerable<IJobRequestValidator> validators)
{
    /// <summary>Validates the request, stores a Queued job with a snapshot of the area and its crew, and queues it.</summary>
    public async Task<Job> CreateAsync(CreateJobRequest request, JobActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        ValidateJson(request.ParametersJson, nameof(request.ParametersJson), required: false);
        ValidateJson(request.OverridesJson, nameof(request.OverridesJson), required: false);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var area = await db.Areas.AsNoTracking().Include(a => a.Crew).SingleOrDefaultAsync(a => a.Id == request.AreaId, cancellationToken).ConfigureAwait(false)
            ?? throw RequestValidationException.For(nameof(request.AreaId), $"Area {request.AreaId} does not exist.");
        Validate(area.GeoJson, request.ParametersJson, request.OverridesJson);
        var webMapId = string.IsNullOrWhiteSpace(request.WebMapId) ? area.WebMapId : request.WebMapId.Trim();
        var job = new Job
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            CreatedByUserId = actor.UserId,
            CreatedByName = actor.DisplayName,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            WebMapId = webMapId,
            WebMapTitle = request.WebMapTitle ?? (webMapId == area.WebMapId ? area.WebMapTitle : null),
            AreaId = area.Id,
            AreaName = area.Name,
            AreaGeoJson = area.GeoJson,
            CrewId = area.CrewId,
            CrewName = area.Crew?.Name,
            ParametersJson = string.IsNullOrWhiteSpace(request.ParametersJson) ? "{}" : request.ParametersJson,
            OverridesJson = string.IsNullOrWhiteSpace(request.OverridesJson) ? null : request.OverridesJson,
            State = JobState.Queued,
        };
        return await AddAndQueueAsync(db, job, $"Job queued by {actor.DisplayName}.", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"Run again": a new job with the same web map, area snapshot and options; it points back to the original.</summary>
    public async Task<Job?> RetryAsync(Guid jobId, JobActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var original = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
        if (original is null)
        {
            return null;
        }
        if (!original.State.IsFinished())
        {
            throw RequestValidationException.For("jobId", "The job is still queued or running; it can be run again once it has finished.");
        }
        // Limits may have tightened since the original ran; a run that could never start is refused now, not later.
        Validate(original.AreaGeoJson, original.ParametersJson, original.OverridesJson);
        var job = new Job
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            CreatedByUserId = actor.UserId,
            CreatedByName = actor.DisplayName,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            WebMapId = original.WebMapId,
            WebMapTitle = original.WebMapTitle,
            AreaId = original.AreaId,
            AreaName = original.AreaName,
            AreaGeoJson = original.AreaGeoJson,
            CrewId = original.CrewId,
            CrewName = original.CrewName,
            ParametersJson = original.ParametersJson,
            OverridesJson = original.OverridesJson,
            State = JobState.Queued,
            RetryOfJobId = original.Id,
            Attempt = original.Attempt + 1,
        };
        return await AddAndQueueAsync(db, job, string.Create(CultureInfo.InvariantCulture,
            $"Job queued by {actor.DisplayName} to run job {original.Id} again (attempt {job.Attempt})."), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores the job as Queued and wakes a runner. The database is the queue, so nothing here waits for room; beyond
    /// <see cref="JobsOptions.QueueCapacity"/> waiting jobs a new one is refused before any row is written (two requests
    /// at the same instant may both pass: the limit protects the server from a flood, it is not an exact count).
    /// </summary>
    private async Task<Job> AddAndQueueAsync(PortalDbContext db, Job job, string message, CancellationToken cancellationToken)
    {
        var waiting = await db.Jobs.CountAsync(j => j.State == JobState.Queued, cancellationToken).ConfigureAwait(false);
        if (waiting >= options.Value.QueueCapacity)
        {
            throw new JobQueueFullException(waiting);
        }
        db.Jobs.Add(job);
        db.JobLogEntries.Add(new JobLogEntry { JobId = job.Id, Sequence = 1, TimestampUtc = job.CreatedUtc, Level = JobLogLevel.Information, Message = message });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        monitor.Publish(job.Id, _ => JobSnapshot.FromJob(job) with { LogTail = [new JobLogLine(1, job.CreatedUtc, JobLogLevel.Information, message)] });
        queue.Signal();
        return job;
    }

    /// <summary>Cancels a queued job at once, or asks a running one to stop (it ends Cancelled shortly after).</summary>
    public async Task<JobCancelResult> CancelAsync(Guid jobId, JobActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcDateTime;
        var message = $"Job cancelled by {actor.DisplayName} before it started.";
        var cancelled = await db.Jobs
            .Where(j => j.Id == jobId && j.State == JobState.Queued)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobState.Cancelled)
                .SetProperty(j => j.FinishedUtc, now)
                .SetProperty(j => j.DurationSeconds, 0)
                .SetProperty(j => j.Error, "Cancelled by a user."), cancellationToken).ConfigureAwait(false);
        if (cancelled == 1)
        {
            var sequence = await JobStorage.NextLogSequenceAsync(db, jobId, cancellationToken).ConfigureAwait(false);
            var entry = new JobLogEntry { JobId = jobId, Sequence = sequence, TimestampUtc = now, Level = JobLogLevel.Warning, Message = message };
            db.JobLogEntries.Add(entry);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
            monitor.Publish(jobId, s => (s ?? JobSnapshot.FromJob(job)) with
            {
                State = JobState.Cancelled,
                FinishedUtc = now,
                Error = job.Error,
                LogTail = (s?.LogTail ?? []).Add(new JobLogLine(sequence, now, JobLogLevel.Warning, message)),
            });
            return JobCancelResult.Cancelled;
        }
        var state = await db.Jobs.Where(j => j.Id == jobId).Select(j => (JobState?)j.State).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return state switch
        {
            null => JobCancelResult.NotFound,
            JobState.Running when runner.TryCancel(jobId) => JobCancelResult.CancellationRequested,
            JobState.Running => JobCancelResult.AlreadyFinished, // finished between the two reads, or runs elsewhere
            _ => JobCancelResult.AlreadyFinished,
        };
    }

    public async Task<JobDetails?> GetAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Layers).SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
        return job is null ? null : new JobDetails(job, [.. job.Layers.OrderBy(l => l.Id)]);
    }

    /// <summary>Log entries after <paramref name="afterSequence"/>, in order.</summary>
    public async Task<IReadOnlyList<JobLogEntry>> GetLogAsync(Guid jobId, int afterSequence, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.JobLogEntries.AsNoTracking()
            .Where(e => e.JobId == jobId && e.Sequence > afterSequence)
            .OrderBy(e => e.Sequence)
            .Take(Math.Clamp(take, 1, 10_000))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ExistsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Jobs.AnyAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of the audit, filtered and sorted in SQL, with the total count of matching jobs.</summary>
    public async Task<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, JobQuery.MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var filtered = Filter(db.Jobs.AsNoTracking(), query);
        var total = await filtered.CountAsync(cancellationToken).ConfigureAwait(false);
        var items = await Project(Sort(filtered, query))
            .Skip(Math.Max(0, query.Page) * pageSize)
            .Take(pageSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new JobPage(items, total);
    }

    /// <summary>Users, web maps and crews that occur in jobs, for the audit's filter lists.</summary>
    public async Task<AuditFilterOptions> GetAuditFilterOptionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var users = await db.Jobs.AsNoTracking().GroupBy(j => j.CreatedByUserId)
            .Select(g => new { Id = g.Key, Name = g.Max(j => j.CreatedByName) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var maps = await db.Jobs.AsNoTracking().GroupBy(j => j.WebMapId)
            .Select(g => new { Id = g.Key, Title = g.Max(j => j.WebMapTitle) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var crews = await db.Jobs.AsNoTracking().Where(j => j.CrewId != null).GroupBy(j => j.CrewId!.Value)
            .Select(g => new { Id = g.Key, Name = g.Max(j => j.CrewName) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new AuditFilterOptions(
            [.. users.Select(u => new AuditFilterOption<string>(u.Id, u.Name ?? u.Id)).OrderBy(o => o.Label, StringComparer.OrdinalIgnoreCase)],
            [.. maps.Select(m => new AuditFilterOption<string>(m.Id, m.Title is null ? m.Id : $"{m.Title} ({m.Id})")).OrderBy(o => o.Label, StringComparer.OrdinalIgnoreCase)],
            [.. crews.Select(c => new AuditFilterOption<int>(c.Id, c.Name ?? c.Id.ToString(CultureInfo.InvariantCulture))).OrderBy(o => o.Label, StringComparer.OrdinalIgnoreCase)]);
    }

    /// <summary>Every job matching the filters, in the query's order, read as a stream (for exports).</summary>
    public async IAsyncEnumerable<JobSummary> StreamAsync(JobQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var row in Project(Sort(Filter(db.Jobs.AsNoTracking(), query), query)).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>Writes the filtered audit as CSV (RFC 4180, formula-safe) to <paramref name="output"/>, row by row.</summary>
    public Task ExportCsvAsync(JobQuery query, Stream output, CancellationToken cancellationToken) =>
        JobCsvWriter.WriteAsync(StreamAsync(query, cancellationToken), output, cancellationToken);

    /// <summary>The folder of a job's package, when it has one that has not been deleted.</summary>
    public async Task<string?> GetPackageDirectoryAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.PackagePath, j.PackageDeletedUtc }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (job?.PackagePath is null || job.PackageDeletedUtc is not null)
        {
            return null;
        }
        var directory = Path.Combine(paths.PackagesDirectory, job.PackagePath);
        return Directory.Exists(directory) ? directory : null;
    }

    /// <summary>Deletes a finished job's package files; the job's record stays, marked with the deletion time.</summary>
    public async Task<bool> DeletePackageAsync(Guid jobId, string reason, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken).ConfigureAwait(false);
        if (job is null || !job.State.IsFinished() || job.PackageDeletedUtc is not null || job.PackagePath is null)
        {
            return false;
        }
        JobStorage.DeletePackageFolders(paths, jobId);
        var now = time.GetUtcNow().UtcDateTime;
        job.PackageDeletedUtc = now;
        db.JobLogEntries.Add(new JobLogEntry
        {
            JobId = jobId,
            Sequence = await JobStorage.NextLogSequenceAsync(db, jobId, cancellationToken).ConfigureAwait(false),
            TimestampUtc = now,
            Level = JobLogLevel.Information,
            Message = JobDetails.PackageDeletedLogPrefix + reason,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    internal static IQueryable<Job> Filter(IQueryable<Job> jobs, JobQuery query)
    {
        if (!string.IsNullOrEmpty(query.UserId))
        {
            jobs = jobs.Where(j => j.CreatedByUserId == query.UserId);
        }
        if (!string.IsNullOrEmpty(query.WebMapId))
        {
            jobs = jobs.Where(j => j.WebMapId == query.WebMapId);
        }
        if (query.CrewId is { } crewId)
        {
            jobs = jobs.Where(j => j.CrewId == crewId);
        }
        if (query.States is { Count: > 0 } states)
        {
            var list = states.Distinct().ToList();
            jobs = jobs.Where(j => list.Contains(j.State));
        }
        if (query.FromUtc is { } from)
        {
            jobs = jobs.Where(j => j.CreatedUtc >= from);
        }
        if (query.ToUtc is { } to)
        {
            jobs = jobs.Where(j => j.CreatedUtc < to);
        }
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var pattern = "%" + query.Text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            jobs = jobs.Where(j =>
                EF.Functions.Like(j.AreaName, pattern, "\\")
                || EF.Functions.Like(j.WebMapId, pattern, "\\")
                || (j.WebMapTitle != null && EF.Functions.Like(j.WebMapTitle, pattern, "\\"))
                || (j.CrewName != null && EF.Functions.Like(j.CrewName, pattern, "\\"))
                || EF.Functions.Like(j.CreatedByName, pattern, "\\")
                || (j.Error != null && EF.Functions.Like(j.Error, pattern, "\\")));
        }
        return jobs;
    }

    internal static IQueryable<Job> Sort(IQueryable<Job> jobs, JobQuery query)
    {
        var d = query.Descending;
        var sorted = query.SortBy switch
        {
            JobSortColumn.Started => d ? jobs.OrderByDescending(j => j.StartedUtc) : jobs.OrderBy(j => j.StartedUtc),
            JobSortColumn.Finished => d ? jobs.OrderByDescending(j => j.FinishedUtc) : jobs.OrderBy(j => j.FinishedUtc),
            JobSortColumn.User => d ? jobs.OrderByDescending(j => j.CreatedByName) : jobs.OrderBy(j => j.CreatedByName),
            JobSortColumn.WebMap => d ? jobs.OrderByDescending(j => j.WebMapTitle ?? j.WebMapId) : jobs.OrderBy(j => j.WebMapTitle ?? j.WebMapId),
            JobSortColumn.Area => d ? jobs.OrderByDescending(j => j.AreaName) : jobs.OrderBy(j => j.AreaName),
            JobSortColumn.Crew => d ? jobs.OrderByDescending(j => j.CrewName) : jobs.OrderBy(j => j.CrewName),
            JobSortColumn.State => d ? jobs.OrderByDescending(j => j.State) : jobs.OrderBy(j => j.State),
            JobSortColumn.Duration => d ? jobs.OrderByDescending(j => j.DurationSeconds) : jobs.OrderBy(j => j.DurationSeconds),
            JobSortColumn.PackageSize => d ? jobs.OrderByDescending(j => j.PackageBytes) : jobs.OrderBy(j => j.PackageBytes),
            JobSortColumn.Attempt => d ? jobs.OrderByDescending(j => j.Attempt) : jobs.OrderBy(j => j.Attempt),
            _ => d ? jobs.OrderByDescending(j => j.CreatedUtc) : jobs.OrderBy(j => j.CreatedUtc),
        };
        // A stable tie-breaker so that pages never overlap or skip rows.
        return query.SortBy == JobSortColumn.Created
            ? sorted
            : d ? sorted.ThenByDescending(j => j.CreatedUtc) : sorted.ThenBy(j => j.CreatedUtc);
    }

    private static IQueryable<JobSummary> Project(IQueryable<Job> jobs) =>
        jobs.Select(j => new JobSummary(
            j.Id, j.CreatedByUserId, j.CreatedByName, j.CreatedUtc, j.StartedUtc, j.FinishedUtc, j.WebMapId, j.WebMapTitle,
            j.AreaId, j.AreaName, j.CrewId, j.CrewName, j.State, j.DurationSeconds, j.PackageBytes, j.PackageDeletedUtc, j.Error,
            j.Attempt, j.RetryOfJobId));

    private void Validate(string areaGeoJson, string? parametersJson, string? overridesJson)
    {
        var errors = validators.SelectMany(v => v.Validate(areaGeoJson, parametersJson, overridesJson)).ToList();
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray()));
        }
    }

    private static void ValidateJson(string? json, string field, bool required)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            if (required)
            {
                throw RequestValidationException.For(field, "A JSON object is required.");
            }
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw RequestValidationException.For(field, "Must be a JSON object.");
            }
        }
        catch (JsonException ex)
        {
            throw RequestValidationException.For(field, "Not valid JSON: " + ex.Message);
        }
    }
}
