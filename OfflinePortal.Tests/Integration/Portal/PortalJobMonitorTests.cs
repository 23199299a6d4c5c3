using Microsoft.Extensions.Options;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>The monitor's watch stream: current snapshots first, then changes, newest wins when a burst is coalesced.</summary>
public sealed class PortalJobMonitorTests
{
    private static JobMonitor NewMonitor() => new(Options.Create(new JobsOptions { MaxUpdatesPerSecond = 10, LogTailLines = 3 }), TimeProvider.System);

    private static JobSnapshot Queued(Guid id) => new()
    {
        JobId = id, State = JobState.Queued, CreatedByUserId = "u", CreatedByName = "U", WebMapId = "wm", AreaName = "A", CreatedUtc = DateTime.UtcNow,
    };

    [Fact]
    public async Task WatchAsync_Burst_IsCoalescedAndEndsWithTheLatest()
    {
        var monitor = NewMonitor();
        var id = Guid.NewGuid();
        monitor.Publish(id, _ => Queued(id));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<JobSnapshot>();
        await using var watch = monitor.WatchAsync(id, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync()); // subscribed, and the current snapshot read
        received.Add(watch.Current);
        for (var i = 1; i <= 1000; i++)
        {
            var fraction = i / 1000.0;
            monitor.Publish(id, s => s! with { State = JobState.Running, Fraction = fraction });
        }
        var last = monitor.Publish(id, s => s! with { State = JobState.Succeeded });
        while (!received[^1].IsFinished && await watch.MoveNextAsync())
        {
            received.Add(watch.Current);
        }

        Assert.Equal(JobState.Queued, received[0].State); // the current snapshot comes first
        Assert.True(received.Count < 100, $"{received.Count} snapshots for 1002 changes: bursts must be coalesced");
        Assert.Equal(last.Version, received[^1].Version);
        Assert.Equal(1.0, received[^1].Fraction);
        Assert.True(received.Zip(received.Skip(1)).All(p => p.First.Version < p.Second.Version), "versions grow");
    }

    [Fact]
    public async Task WatchAll_SeesEveryJob_AndLogTailIsBounded()
    {
        var monitor = NewMonitor();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        monitor.Publish(a, _ => Queued(a));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new Dictionary<Guid, JobSnapshot>();
        var watching = Task.Run(async () =>
        {
            await foreach (var snapshot in monitor.WatchAsync(null, cts.Token))
            {
                seen[snapshot.JobId] = snapshot;
                if (seen.Count == 2 && seen.Values.All(s => s.IsFinished))
                {
                    break;
                }
            }
        });
        monitor.Publish(b, _ => Queued(b));
        for (var i = 1; i <= 5; i++)
        {
            monitor.AppendLog(a, new JobLogLine(i, DateTime.UtcNow, JobLogLevel.Information, "line " + i));
        }
        monitor.Publish(a, s => s! with { State = JobState.Failed });
        monitor.Publish(b, s => s! with { State = JobState.Cancelled });
        await watching;

        Assert.Equal(["line 3", "line 4", "line 5"], seen[a].LogTail.Select(l => l.Message));
        Assert.Equal(JobState.Cancelled, seen[b].State);
    }

    [Fact]
    public async Task WatchAsync_Cancelled_EndsQuietly()
    {
        var monitor = NewMonitor();
        using var cts = new CancellationTokenSource();
        var enumerator = monitor.WatchAsync(null, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = enumerator.MoveNextAsync().AsTask();
        await cts.CancelAsync();
        Assert.False(await next);
        await enumerator.DisposeAsync();
    }
}
