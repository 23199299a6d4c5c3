using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Hosting;

/// <summary>Deletes replica result files once they have not been written or read for <see cref="SamplePortalOptions.ReplicaFileLifetime"/>.</summary>
internal sealed class ReplicaFileCleaner(SampleStore store, IOptions<SamplePortalOptions> options, TimeProvider time, ILogger<ReplicaFileCleaner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lifetime = options.Value.ReplicaFileLifetime;
        var period = TimeSpan.FromTicks(Math.Clamp(lifetime.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                CleanOnce(lifetime);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal int CleanOnce(TimeSpan lifetime)
    {
        if (!Directory.Exists(store.ReplicaFilesDirectory))
        {
            return 0;
        }
        var cutoff = time.GetUtcNow().UtcDateTime - lifetime;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(store.ReplicaFilesDirectory))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                    removed++;
                }
            }
            catch (IOException ex)
            {
                logger.LogDebug(ex, "Could not delete replica file {File}", file);
            }
        }
        return removed;
    }
}
