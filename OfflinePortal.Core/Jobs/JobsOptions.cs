using System.ComponentModel.DataAnnotations;

namespace OfflinePortal.Core.Jobs;

/// <summary>How jobs are run and watched (configuration section <c>Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Jobs that run at the same time on this node.</summary>
    [Range(1, 64)]
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>
    /// Jobs that may wait in state Queued; a new job (or a run again) beyond that is refused with a message and no row.
    /// Jobs a restart re-queues are never refused, and the runners take them all from the database.
    /// </summary>
    [Range(1, 100_000)]
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Restarts of the portal a running job survives (re-run from the start); one more fails it.</summary>
    [Range(0, 100)]
    public int MaxRestartRecoveries { get; set; } = 3;

    /// <summary>Log lines kept in a live snapshot (the whole log is in the database).</summary>
    [Range(1, 10_000)]
    public int LogTailLines { get; set; } = 200;

    /// <summary>Most snapshots per second a watcher receives for one job; bursts in between are coalesced.</summary>
    [Range(1, 1000)]
    public int MaxUpdatesPerSecond { get; set; } = 10;

    /// <summary>Finished jobs whose live snapshots stay in memory for the jobs page.</summary>
    [Range(0, 100_000)]
    public int FinishedSnapshotsKept { get; set; } = 200;

    /// <summary>How often the retention sweeper looks for packages older than the retention period.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);
}
