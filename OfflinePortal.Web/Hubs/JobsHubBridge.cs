using Microsoft.AspNetCore.SignalR;
using OfflinePortal.Core.Jobs;

namespace OfflinePortal.Web.Hubs;

/// <summary>Pushes the monitor's snapshots to the hub's groups: the same snapshots the Blazor pages read in-process.</summary>
public sealed partial class JobsHubBridge(JobMonitor monitor, IHubContext<JobsHub> hub, ILogger<JobsHubBridge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var snapshot in monitor.WatchAsync(null, stoppingToken))
        {
            try
            {
                await hub.Clients.Groups([JobsHub.JobGroup(snapshot.JobId), JobsHub.AllGroup]).SendAsync(JobsHub.SnapshotMethod, snapshot, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSendFailed(logger, ex, snapshot.JobId);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not push the snapshot of job {JobId} to hub clients.")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, Guid jobId);
}
