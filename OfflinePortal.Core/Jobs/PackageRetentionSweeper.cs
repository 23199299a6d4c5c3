using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// Deletes packages older than the retention period set by an admin (<see cref="PortalSettings.PackageRetentionDays"/>);
/// the jobs' audit records stay, marked with the time their package was deleted.
/// </summary>
public sealed partial class PackageRetentionSweeper(
    IDbContextFactory<PortalDbContext> dbFactory,
    JobService jobs,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<PackageRetentionSweeper> logger) : BackgroundService
{
    /// <summary>Deletes every package past retention now; returns how many were deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        List<Guid> expired;
        int days;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var settings = await db.PortalSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (settings?.PackageRetentionDays is not { } d || d <= 0)
            {
                return 0;
            }
            days = d;
            var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-days);
            expired = await db.Jobs.AsNoTracking()
                .Where(j => j.FinishedUtc != null && j.FinishedUtc < cutoff && j.PackagePath != null && j.PackageDeletedUtc == null)
                .Select(j => j.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        var deleted = 0;
        var reason = string.Create(CultureInfo.InvariantCulture, $"older than the retention period of {days} days.");
        foreach (var id in expired)
        {
            if (await jobs.DeletePackageAsync(id, reason, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }
        if (deleted > 0)
        {
            LogSwept(logger, deleted, days);
        }
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionSweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} packages older than {Days} days; their audit records are kept.")]
    private static partial void LogSwept(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep failed.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
