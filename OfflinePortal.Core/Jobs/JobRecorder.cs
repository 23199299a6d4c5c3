using System.Globalization;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// A running job's log and progress sinks. Log lines are numbered in order, shown live at once and written to the
/// database by one background writer (in batches, so a chatty executor cannot stall on SQLite). Progress stays in memory;
/// a layer reaching its final status is a milestone and goes into the log.
/// </summary>
internal sealed partial class JobRecorder : IJobLog, IProgress<JobProgressUpdate>
{
    private readonly Guid _jobId;
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly JobMonitor _monitor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _completedLayers = new(StringComparer.Ordinal);
    private readonly Channel<JobLogEntry> _pending = Channel.CreateUnbounded<JobLogEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private int _nextSequence;

    public JobRecorder(Guid jobId, int nextSequence, IDbContextFactory<PortalDbContext> dbFactory, JobMonitor monitor, TimeProvider time, ILogger logger)
    {
        _jobId = jobId;
        _nextSequence = nextSequence;
        _dbFactory = dbFactory;
        _monitor = monitor;
        _time = time;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Write(JobLogLevel level, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var entry = NewEntry(level, message);
            _monitor.AppendLog(_jobId, new JobLogLine(entry.Sequence, entry.TimestampUtc, level, message));
            if (!_pending.Writer.TryWrite(entry))
            {
                LogDropped(_logger, _jobId, message);
            }
        }
    }

    /// <summary>A numbered entry that the caller saves itself (the final message is saved with the final state).</summary>
    public JobLogEntry NewEntry(JobLogLevel level, string message)
    {
        lock (_gate)
        {
            return new JobLogEntry
            {
                JobId = _jobId,
                Sequence = _nextSequence++,
                TimestampUtc = _time.GetUtcNow().UtcDateTime,
                Level = level,
                Message = message,
            };
        }
    }

    public void Report(JobProgressUpdate value)
    {
        ArgumentNullException.ThrowIfNull(value);
        List<JobLayerProgress> completed = [];
        _monitor.Publish(_jobId, s =>
        {
            var current = s ?? throw new InvalidOperationException($"Job {_jobId} is not being monitored.");
            var layers = current.Layers;
            foreach (var row in value.Layers ?? [])
            {
                var index = IndexOf(layers, row.LayerId);
                layers = index < 0 ? layers.Add(row) : layers.SetItem(index, row);
            }
            return current with
            {
                Fraction = value.Fraction is { } f ? Math.Clamp(f, 0, 1) : current.Fraction,
                CurrentStep = value.Step ?? current.CurrentStep,
                Layers = layers,
            };
        });
        lock (_gate)
        {
            completed.AddRange((value.Layers ?? []).Where(l => l.IsComplete && _completedLayers.Add(l.LayerId)));
        }
        foreach (var layer in completed)
        {
            Write(layer.Phase == JobLayerPhase.Failed ? JobLogLevel.Warning : JobLogLevel.Information, Describe(layer));
        }
    }

    private static int IndexOf(System.Collections.Immutable.ImmutableArray<JobLayerProgress> layers, string layerId)
    {
        for (var i = 0; i < layers.Length; i++)
        {
            if (layers[i].LayerId == layerId)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Waits until every message written so far is in the database; no message may be written after this.</summary>
    public async Task FlushAsync()
    {
        _pending.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    internal static string Describe(JobLayerProgress layer)
    {
        var what = layer.Phase switch
        {
            JobLayerPhase.Offline => "taken offline",
            JobLayerPhase.OnlineOnly => "stays online",
            JobLayerPhase.Omitted => "omitted",
            _ => "failed",
        };
        var text = string.Create(CultureInfo.InvariantCulture, $"Layer '{layer.Title}' ({layer.Kind}): {what}");
        if (layer.Phase == JobLayerPhase.Offline)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {layer.Done ?? layer.Total ?? 0:N0} rows, {layer.Bytes:N0} bytes");
        }
        return layer.Error is { Length: > 0 } error ? $"{text}: {error}" : text + ".";
    }

    private async Task WriteLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<JobLogEntry>();
            while (batch.Count < 500 && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }
            try
            {
                // Not cancellable on purpose: a log line written before shutdown still belongs in the audit.
                await using var db = await _dbFactory.CreateDbContextAsync(CancellationToken.None).ConfigureAwait(false);
                db.JobLogEntries.AddRange(batch);
                await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (DbUpdateException ex)
            {
                LogWriteFailed(_logger, ex, _jobId, batch.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store {Count} log entries of job {JobId}.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, Guid jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} logged after it finished: {Message}")]
    private static partial void LogDropped(ILogger logger, Guid jobId, string message);
}
