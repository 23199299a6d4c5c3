using System.Globalization;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// The version of the sample data the tiles are drawn from: the sum of the feature services' server generations,
/// which every applyEdits and synchronizeReplica advances. Read from the store at most once per
/// <see cref="CheckInterval"/>, so edits reach the tiles within that time while cached tiles cost no query.
/// A change drops the rendered-tile cache.
/// </summary>
internal sealed class SampleDataVersion(SampleStore store, SampleTileCache cache, TimeProvider timeProvider)
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _version = -1;
    private long _checkedAtTicks;

    public async ValueTask<long> CurrentAsync(CancellationToken cancellationToken)
    {
        if (timeProvider.GetUtcNow().UtcTicks - Interlocked.Read(ref _checkedAtTicks) < CheckInterval.Ticks)
        {
            return Interlocked.Read(ref _version);
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (now.UtcTicks - Interlocked.Read(ref _checkedAtTicks) >= CheckInterval.Ticks)
            {
                await store.EnsureReadyAsync(cancellationToken);
                using var connection = store.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT COALESCE(SUM(generation), 0) FROM service_state";
                var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                var previous = Interlocked.Exchange(ref _version, version);
                if (previous >= 0 && previous != version)
                {
                    cache.Invalidate();
                }
                Interlocked.Exchange(ref _checkedAtTicks, now.UtcTicks);
            }
            return Interlocked.Read(ref _version);
        }
        finally
        {
            _gate.Release();
        }
    }
}
