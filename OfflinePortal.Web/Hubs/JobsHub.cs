using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Hubs;

/// <summary>
/// Live job snapshots for clients outside the Blazor circuit (scripts, the API, other nodes). Clients join a job's group
/// (<see cref="WatchJob"/>) or the all-jobs group (<see cref="WatchAll"/>) and receive <c>jobSnapshot</c> messages from
/// <see cref="JobsHubBridge"/>. The hub holds no state.
/// </summary>
[Authorize(Policy = PortalPolicies.CanView)]
public sealed class JobsHub(JobMonitor monitor, JobService jobs) : Hub
{
    public const string Path = "/hubs/jobs";

    /// <summary>The client method that receives a <see cref="JobSnapshot"/>.</summary>
    public const string SnapshotMethod = "jobSnapshot";

    public const string AllGroup = "jobs:all";

    public static string JobGroup(Guid jobId) => "job:" + jobId.ToString("N");

    /// <summary>Joins a job's group and sends its current snapshot (from the database when it is no longer live).</summary>
    public async Task<bool> WatchJob(Guid jobId)
    {
        var snapshot = monitor.Get(jobId);
        if (snapshot is null)
        {
            var details = await jobs.GetAsync(jobId, Context.ConnectionAborted);
            if (details is null)
            {
                return false;
            }
            snapshot = JobSnapshot.FromJob(details.Job);
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted);
        // Read again after joining: a change published in between reaches the client either way.
        await Clients.Caller.SendAsync(SnapshotMethod, monitor.Get(jobId) ?? snapshot, Context.ConnectionAborted);
        return true;
    }

    public Task UnwatchJob(Guid jobId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, JobGroup(jobId), Context.ConnectionAborted);

    /// <summary>Joins the all-jobs group and sends the snapshot of every job the monitor holds (queued, running, recent).</summary>
    public async Task WatchAll()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, AllGroup, Context.ConnectionAborted);
        foreach (var snapshot in monitor.GetAll())
        {
            await Clients.Caller.SendAsync(SnapshotMethod, snapshot, Context.ConnectionAborted);
        }
    }

    public Task UnwatchAll() => Groups.RemoveFromGroupAsync(Context.ConnectionId, AllGroup, Context.ConnectionAborted);
}
