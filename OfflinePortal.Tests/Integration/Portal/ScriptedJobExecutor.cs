using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>
/// A job executor driven step by step by the test: it really reports progress, writes files into the temporary package
/// folder and moves them into place, like the engine will. Each run waits for the test's next step, so the test decides
/// exactly when the job progresses, finishes, or is interrupted.
/// </summary>
public sealed class ScriptedJobExecutor : IJobExecutor
{
    private readonly ConcurrentDictionary<Guid, Channel<ScriptedRun>> _started = new();

    /// <summary>Waits until the runner starts (another attempt of) the job and returns the handle to drive it.</summary>
    public async Task<ScriptedRun> StartedAsync(Guid jobId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await Starts(jobId).Reader.ReadAsync(cts.Token);
    }

    private int _active;
    private int _mostAtOnce;

    /// <summary>Runs executing now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>The most runs that were ever executing at the same time.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public async Task<JobOutcome> ExecuteAsync(JobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _active);
        for (var most = MostAtOnce; now > most && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most; most = MostAtOnce)
        {
        }
        try
        {
            var run = new ScriptedRun(context);
            await Starts(context.Job.Id).Writer.WriteAsync(run, cancellationToken);
            return await run.RunAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private Channel<ScriptedRun> Starts(Guid jobId) => _started.GetOrAdd(jobId, _ => Channel.CreateUnbounded<ScriptedRun>());
}

/// <summary>One execution of a job; each method performs one step on the runner's thread and completes when it is done.</summary>
public sealed class ScriptedRun(JobExecutionContext context)
{
    private readonly Channel<(Func<CancellationToken, Task<JobOutcome?>> Step, TaskCompletionSource Done)> _steps = Channel.CreateUnbounded<(Func<CancellationToken, Task<JobOutcome?>>, TaskCompletionSource)>();
    private readonly TaskCompletionSource<Exception?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobExecutionContext Context => context;

    /// <summary>Completes when the run ends; its result is the exception that ended it (cancellation), if any.</summary>
    public Task<Exception?> Ended => _ended.Task;

    internal async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(context.TemporaryDirectory);
            while (true)
            {
                var (step, done) = await _steps.Reader.ReadAsync(cancellationToken);
                JobOutcome? outcome;
                try
                {
                    outcome = await step(cancellationToken);
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex);
                    throw;
                }
                done.TrySetResult();
                if (outcome is not null)
                {
                    _ended.TrySetResult(null);
                    return outcome;
                }
            }
        }
        catch (Exception ex)
        {
            _ended.TrySetResult(ex);
            throw;
        }
    }

    /// <summary>Reports progress with layer rows and writes a data file for each layer that is done.</summary>
    public Task ProgressAsync(double fraction, string step, params JobLayerProgress[] layers) => RunStepAsync(async ct =>
    {
        context.Log.Info($"Step: {step}");
        foreach (var layer in layers.Where(l => l.Phase == JobLayerPhase.Offline))
        {
            var file = Path.Combine(context.TemporaryDirectory, "data", layer.LayerId + ".bin");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, new byte[layer.Bytes], ct);
        }
        context.Progress.Report(new JobProgressUpdate(fraction, step, layers));
        return null;
    });

    /// <summary>Writes the manifest, moves the package into place and succeeds.</summary>
    public Task SucceedAsync(params JobLayerOutcome[] layers) => RunStepAsync(async ct =>
    {
        var files = Directory.EnumerateFiles(context.TemporaryDirectory, "*", SearchOption.AllDirectories)
            .Select(f => new { path = Path.GetRelativePath(context.TemporaryDirectory, f).Replace('\\', '/'), bytes = new FileInfo(f).Length, sha256 = "0" + new string('a', 63) })
            .ToList();
        await File.WriteAllTextAsync(Path.Combine(context.TemporaryDirectory, "package.json"), JsonSerializer.Serialize(new { formatVersion = 1, files }), ct);
        Directory.Move(context.TemporaryDirectory, context.PackageDirectory);
        context.Progress.Report(new JobProgressUpdate(1, "Done"));
        return JobOutcome.Succeeded(layers);
    });

    public Task FailAsync(string error) => RunStepAsync(_ => Task.FromResult<JobOutcome?>(JobOutcome.Failed(error)));

    private async Task RunStepAsync(Func<CancellationToken, Task<JobOutcome?>> step)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _steps.Writer.WriteAsync((step, done));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public static JobLayerProgress Layer(string id, JobLayerPhase phase, long done = 0, long bytes = 0) =>
        new(id, "Layer " + id, "feature-layer", phase, phase is JobLayerPhase.Running or JobLayerPhase.Pending ? 0.5 : 1, done, done, bytes);

    public static JobLayerOutcome Result(string id, LayerResultStatus status, long? count = null, long? bytes = null, string? error = null) =>
        new(id, "Layer " + id, "feature-layer", status, count, bytes, error);
}
