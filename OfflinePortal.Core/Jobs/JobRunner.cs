using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// Runs queued jobs on the server, <see cref="JobsOptions.MaxConcurrentJobs"/> at a time, each with its own
/// cancellation. The database is the queue: each runner claims the oldest Queued job, and <see cref="JobQueue"/> only wakes
/// idle runners. At start it recovers jobs a previous process left running (re-queued from a clean state, or failed
/// after too many restarts). A job interrupted by shutdown stays Running in the database so
/// that the next start re-runs it; closing a browser has no effect on a job at all.
/// </summary>
public sealed partial class JobRunner(
    IServiceProvider services,
    IDbContextFactory<PortalDbContext> dbFactory,
    JobQueue queue,
    JobMonitor monitor,
    PortalPaths paths,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<JobRunner> logger) : BackgroundService
{
    public const string RestartRequeuedMessage = "The portal restarted while this job was running; it was re-run from the start.";

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();
    private readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once start-up recovery has re-queued what the previous process left.</summary>
    public Task Recovered => _recovered.Task;

    /// <summary>Ids of the jobs running on this node now.</summary>
    public IReadOnlyCollection<Guid> RunningJobIds => [.. _running.Keys];

    /// <summary>Asks a running job to stop; false when it is not running here.</summary>
    public bool TryCancel(Guid jobId)
    {
        if (!_running.TryGetValue(jobId, out var cts))
        {
            return false;
        }
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false; // it finished in the meantime
        }
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverAsync(stoppingToken).ConfigureAwait(false);
            _recovered.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _recovered.TrySetCanceled(stoppingToken);
            return;
        }
        catch (Exception ex)
        {
            _recovered.TrySetException(ex);
            throw;
        }
        var workers = Enumerable.Range(0, options.Value.MaxConcurrentJobs).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RunNextAsync(stoppingToken).ConfigureAwait(false))
                {
                    await queue.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The runner itself failed (database gone?): keep serving other jobs, after a pause so that a broken
                // database does not turn into a busy loop.
                LogRunnerFault(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims the oldest queued job and runs it; false when none is waiting.</summary>
    private async Task<bool> RunNextAsync(CancellationToken stoppingToken)
    {
        // A few candidates, because other runners may claim the first ones between this read and the claim.
        List<Guid> candidates;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken).ConfigureAwait(false))
        {
            candidates = await db.Jobs.Where(j => j.State == JobState.Queued)
                .OrderBy(j => j.CreatedUtc).ThenBy(j => j.Id)
                .Select(j => j.Id)
                .Take(options.Value.MaxConcurrentJobs + 1)
                .ToListAsync(stoppingToken).ConfigureAwait(false);
        }
        foreach (var jobId in candidates)
        {
            if (await RunAsync(jobId, stoppingToken).ConfigureAwait(false))
            {
                return true;
            }
        }
        return candidates.Count > 0; // all taken by others: look again rather than wait
    }

    /// <summary>Runs the job if this runner can claim it; false when it was no longer queued.</summary>
    private async Task<bool> RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // Registered before the job is claimed, so a cancel that sees it Running always finds its token. Another runner
        // here trying the same candidate leaves it to the first.
        if (!_running.TryAdd(jobId, cts))
        {
            return false;
        }
        try
        {
            var started = time.GetUtcNow().UtcDateTime;
            var node = Environment.MachineName;
            Job? job;
            int nextSequence;
            await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken).ConfigureAwait(false))
            {
                var claimed = await db.Jobs
                    .Where(j => j.Id == jobId && j.State == JobState.Queued)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.State, JobState.Running)
                        .SetProperty(j => j.StartedUtc, started)
                        .SetProperty(j => j.Node, node)
                        .SetProperty(j => j.Progress, 0)
                        .SetProperty(j => j.CurrentStep, (string?)null), stoppingToken).ConfigureAwait(false);
                if (claimed == 0)
                {
                    return false; // cancelled while queued, or taken by another runner
                }
                // Another idle runner may take the next queued job; this one is busy now.
                queue.Signal();
                job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId, stoppingToken).ConfigureAwait(false);
                nextSequence = await JobStorage.NextLogSequenceAsync(db, jobId, stoppingToken).ConfigureAwait(false);
            }

            monitor.Publish(jobId, s => (s ?? JobSnapshot.FromJob(job)) with
            {
                State = JobState.Running,
                StartedUtc = started,
                Fraction = 0,
                CurrentStep = "Starting",
                Layers = [],
                Error = null,
            });
            var recorder = new JobRecorder(jobId, nextSequence, dbFactory, monitor, time, logger);
            recorder.Info(string.Create(CultureInfo.InvariantCulture, $"Job started on {node} (attempt {job.Attempt})."));
            LogStarted(logger, jobId, job.AreaName);

            JobDeletePackageFolders(jobId);
            var context = new JobExecutionContext
            {
                Job = JobDefinition.FromJob(job),
                Progress = recorder,
                Log = recorder,
                PackageDirectory = paths.PackageDirectory(jobId),
                TemporaryDirectory = paths.PackageDirectory(jobId) + ".partial",
            };

            JobOutcome? outcome;
            var cancelled = false;
            try
            {
                outcome = await ExecuteAsync(context, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                recorder.Warning("The portal is stopping; this job will be re-run from the start when it starts again.");
                await recorder.FlushAsync().ConfigureAwait(false);
                LogInterrupted(logger, jobId);
                return true; // left Running on purpose: recovery at the next start re-queues it
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                outcome = null;
                cancelled = true;
            }
            catch (Exception ex)
            {
                LogJobFailed(logger, ex, jobId);
                outcome = JobOutcome.Failed(ex.Message);
            }
            await FinishAsync(job, outcome, cancelled, recorder).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _running.TryRemove(KeyValuePair.Create(jobId, cts));
        }
    }

    private async Task<JobOutcome> ExecuteAsync(JobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var executor = scope.ServiceProvider.GetService<IJobExecutor>();
        if (executor is null)
        {
            return JobOutcome.Failed("No job executor is registered: this portal cannot generate offline maps yet.");
        }
        var outcome = await executor.ExecuteAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The job executor returned no outcome.");
        cancellationToken.ThrowIfCancellationRequested();
        return outcome;
    }

    private async Task FinishAsync(Job job, JobOutcome? outcome, bool cancelled, JobRecorder recorder)
    {
        var finished = time.GetUtcNow().UtcDateTime;
        var state = cancelled ? JobState.Cancelled : outcome!.State;
        var packageDirectory = paths.PackageDirectory(job.Id);
        long? packageBytes = null;
        if (state is JobState.Succeeded or JobState.SucceededWithErrors && Directory.Exists(packageDirectory))
        {
            packageBytes = JobStorage.DirectorySize(packageDirectory);
            JobStorage.DeletePackageFolders(paths, job.Id, keepPackage: true);
        }
        else
        {
            JobDeletePackageFolders(job.Id);
        }
        if (state is JobState.Succeeded or JobState.SucceededWithErrors && packageBytes is null)
        {
            state = JobState.Failed;
            outcome = JobOutcome.Failed("The job reported success but wrote no package.", outcome!.Layers);
        }

        var error = cancelled ? "Cancelled by a user." : outcome!.Error;
        var message = state switch
        {
            JobState.Succeeded => string.Create(CultureInfo.InvariantCulture, $"Job succeeded; package {packageBytes:N0} bytes."),
            JobState.SucceededWithErrors => string.Create(CultureInfo.InvariantCulture, $"Job finished with errors; package {packageBytes:N0} bytes: {error}"),
            JobState.Cancelled => "Job cancelled.",
            _ => $"Job failed: {error}",
        };
        await recorder.FlushAsync().ConfigureAwait(false);
        var final = recorder.NewEntry(state is JobState.Failed ? JobLogLevel.Error : state is JobState.SucceededWithErrors or JobState.Cancelled ? JobLogLevel.Warning : JobLogLevel.Information, message);

        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var row = await db.Jobs.SingleAsync(j => j.Id == job.Id, CancellationToken.None).ConfigureAwait(false);
            row.State = state;
            row.FinishedUtc = finished;
            row.DurationSeconds = row.StartedUtc is { } s ? (finished - s).TotalSeconds : null;
            row.Progress = state is JobState.Succeeded or JobState.SucceededWithErrors ? 1 : monitor.Get(job.Id)?.Fraction ?? 0;
            row.CurrentStep = monitor.Get(job.Id)?.CurrentStep;
            row.Error = state == JobState.Succeeded ? null : error;
            row.PackagePath = packageBytes is null ? null : PortalPaths.JobFolderName(job.Id);
            row.PackageBytes = packageBytes;
            foreach (var layer in outcome?.Layers ?? [])
            {
                row.Layers.Add(new JobLayerResult
                {
                    LayerId = layer.LayerId,
                    Title = layer.Title,
                    Kind = layer.Kind,
                    Status = layer.Status,
                    FeatureCount = layer.FeatureCount,
                    Bytes = layer.Bytes,
                    Error = layer.Error,
                });
            }
            db.JobLogEntries.Add(final);
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);

            monitor.Publish(job.Id, s => (s ?? JobSnapshot.FromJob(row)) with
            {
                State = state,
                FinishedUtc = finished,
                Fraction = row.Progress,
                Error = row.Error,
                PackageBytes = packageBytes,
                LogTail = (s?.LogTail ?? []).Add(new JobLogLine(final.Sequence, final.TimestampUtc, final.Level, final.Message)),
            });
        }
        LogFinished(logger, job.Id, state);
    }

    /// <summary>Re-queues what a previous process left running (from a clean state) and shows queued jobs on the jobs page.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var maxRecoveries = options.Value.MaxRestartRecoveries;
        List<Job> queued;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var interrupted = await db.Jobs.Where(j => j.State == JobState.Running).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var job in interrupted)
            {
                JobDeletePackageFolders(job.Id);
                var sequence = await JobStorage.NextLogSequenceAsync(db, job.Id, cancellationToken).ConfigureAwait(false);
                string message;
                if (job.RestartCount >= maxRecoveries)
                {
                    message = string.Create(CultureInfo.InvariantCulture,
                        $"The portal restarted while this job was running, for the {job.RestartCount + 1}th time; it was not run again.");
                    job.State = JobState.Failed;
                    job.FinishedUtc = now;
                    job.DurationSeconds = job.StartedUtc is { } s ? (now - s).TotalSeconds : null;
                    job.Error = message;
                }
                else
                {
                    message = RestartRequeuedMessage;
                    job.State = JobState.Queued;
                    job.RestartCount++;
                    job.Progress = 0;
                    job.CurrentStep = null;
                    job.StartedUtc = null;
                    job.Node = null;
                }
                db.JobLogEntries.Add(new JobLogEntry
                {
                    JobId = job.Id,
                    Sequence = sequence,
                    TimestampUtc = now,
                    Level = job.State == JobState.Failed ? JobLogLevel.Error : JobLogLevel.Warning,
                    Message = message,
                });
                LogRecovered(logger, job.Id, job.State);
            }
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            queued = await db.Jobs.AsNoTracking().Where(j => j.State == JobState.Queued).OrderBy(j => j.CreatedUtc).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var job in queued)
        {
            monitor.Publish(job.Id, _ => JobSnapshot.FromJob(job));
        }
        // No enqueueing: the runners take queued jobs from the database, however many there are.
    }

    private void JobDeletePackageFolders(Guid jobId) => JobStorage.DeletePackageFolders(paths, jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} started (area {AreaName}).")]
    private static partial void LogStarted(ILogger logger, Guid jobId, string areaName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished: {State}.")]
    private static partial void LogFinished(ILogger logger, Guid jobId, JobState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was interrupted by shutdown; it stays Running and is re-queued at the next start.")]
    private static partial void LogInterrupted(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was left running by the previous process; now {State}.")]
    private static partial void LogRecovered(ILogger logger, Guid jobId, JobState state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed.")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The job runner could not take or run a queued job.")]
    private static partial void LogRunnerFault(ILogger logger, Exception exception);
}
