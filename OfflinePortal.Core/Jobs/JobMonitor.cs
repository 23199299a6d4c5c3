using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// The live state of jobs in memory: one immutable, versioned <see cref="JobSnapshot"/> per job, and watch streams
/// (Aspire's ResourceNotificationService pattern). The Blazor pages read the streams in-process; the SignalR bridge
/// pushes the same snapshots to other clients. Nothing here touches the database.
/// </summary>
public sealed class JobMonitor(IOptions<JobsOptions> options, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, JobSnapshot> _snapshots = [];
    private readonly Queue<Guid> _finished = new();
    private readonly TimeSpan _minInterval = TimeSpan.FromSeconds(1.0 / options.Value.MaxUpdatesPerSecond);
    private readonly int _logTail = options.Value.LogTailLines;
    private readonly int _finishedKept = options.Value.FinishedSnapshotsKept;
    private ImmutableArray<Subscription> _subscriptions = [];
    private long _version;

    /// <summary>How many watch streams are subscribed (open pages, the hub bridge); lets a caller know a watcher is live.</summary>
    public int WatcherCount
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.Length;
            }
        }
    }

    public JobSnapshot? Get(Guid jobId)
    {
        lock (_gate)
        {
            return _snapshots.GetValueOrDefault(jobId);
        }
    }

    /// <summary>Every job the monitor knows: queued, running and recently finished, oldest change first.</summary>
    public IReadOnlyList<JobSnapshot> GetAll()
    {
        lock (_gate)
        {
            return [.. _snapshots.Values.OrderBy(s => s.Version)];
        }
    }

    /// <summary>
    /// Replaces a job's snapshot with <paramref name="update"/>(current) (current is null for a job not seen yet), gives
    /// it the next version and tells every watcher. Updates are serialised, so <paramref name="update"/> sees the latest.
    /// </summary>
    public JobSnapshot Publish(Guid jobId, Func<JobSnapshot?, JobSnapshot> update)
    {
        ImmutableArray<Subscription> subscriptions;
        JobSnapshot next;
        lock (_gate)
        {
            var current = _snapshots.GetValueOrDefault(jobId);
            next = update(current) with { JobId = jobId, Version = ++_version };
            if (next.LogTail.Length > _logTail)
            {
                next = next with { LogTail = next.LogTail.RemoveRange(0, next.LogTail.Length - _logTail) };
            }
            _snapshots[jobId] = next;
            if (next.IsFinished && current?.IsFinished != true)
            {
                _finished.Enqueue(jobId);
                while (_finished.Count > _finishedKept && _finished.TryDequeue(out var old))
                {
                    _snapshots.Remove(old);
                }
            }
            subscriptions = _subscriptions;
        }
        foreach (var subscription in subscriptions)
        {
            subscription.Post(next);
        }
        return next;
    }

    /// <summary>Adds a log line to a job's live tail.</summary>
    public void AppendLog(Guid jobId, JobLogLine line) =>
        Publish(jobId, s => s is null
            ? throw new InvalidOperationException($"Job {jobId} is not being monitored.")
            : s with { LogTail = s.LogTail.Add(line) });

    /// <summary>
    /// The current snapshots of one job (or of all jobs when <paramref name="jobId"/> is null), then every change, until
    /// <paramref name="cancellationToken"/> is cancelled (the stream then ends quietly). The watcher is subscribed before
    /// the current snapshots are read, so no change is missed; versions drop duplicates. Bursts are coalesced to at most
    /// <see cref="JobsOptions.MaxUpdatesPerSecond"/> snapshots per second per job, always ending with the latest.
    /// </summary>
    public async IAsyncEnumerable<JobSnapshot> WatchAsync(Guid? jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscription = new Subscription(jobId);
        List<JobSnapshot> initial;
        lock (_gate)
        {
            _subscriptions = _subscriptions.Add(subscription);
            initial = jobId is { } id
                ? _snapshots.TryGetValue(id, out var one) ? [one] : []
                : [.. _snapshots.Values.OrderBy(s => s.Version)];
        }
        try
        {
            var seen = new Dictionary<Guid, long>();
            foreach (var snapshot in initial)
            {
                seen[snapshot.JobId] = snapshot.Version;
                yield return snapshot;
            }
            while (await subscription.NextBatchAsync(cancellationToken) is { } batch)
            {
                foreach (var snapshot in batch)
                {
                    if (seen.TryGetValue(snapshot.JobId, out var version) && snapshot.Version <= version)
                    {
                        continue;
                    }
                    seen[snapshot.JobId] = snapshot.Version;
                    yield return snapshot;
                }
                // Changes arriving during this pause are coalesced: only the newest per job is delivered after it.
                if (!await DelayAsync(_minInterval, cancellationToken))
                {
                    yield break;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscriptions = _subscriptions.Remove(subscription);
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One watcher: the newest pending snapshot per job, and a signal that something is pending.</summary>
    private sealed class Subscription(Guid? jobId)
    {
        private readonly Lock _gate = new();
        private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
        private Dictionary<Guid, JobSnapshot> _pending = [];

        public void Post(JobSnapshot snapshot)
        {
            if (jobId is { } id && snapshot.JobId != id)
            {
                return;
            }
            lock (_gate)
            {
                if (!_pending.TryGetValue(snapshot.JobId, out var existing) || existing.Version < snapshot.Version)
                {
                    _pending[snapshot.JobId] = snapshot;
                }
            }
            _signal.Writer.TryWrite(true);
        }

        /// <summary>The pending snapshots in version order, or null when the watch is cancelled.</summary>
        public async Task<List<JobSnapshot>?> NextBatchAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                try
                {
                    await _signal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
                Dictionary<Guid, JobSnapshot> batch;
                lock (_gate)
                {
                    batch = _pending;
                    _pending = [];
                }
                if (batch.Count > 0)
                {
                    return [.. batch.Values.OrderBy(s => s.Version)];
                }
            }
        }
    }
}
