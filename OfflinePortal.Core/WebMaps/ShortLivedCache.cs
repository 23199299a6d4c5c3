using System.Collections.Concurrent;

namespace OfflinePortal.Core.WebMaps;

/// <summary>
/// A small cache of values that may be a little stale (portal items, web maps, thumbnails): each entry lives for
/// <paramref name="lifetime"/>, at most <paramref name="capacity"/> entries are kept (the oldest go first), and
/// concurrent requests for one missing key share one load. A failed load is not kept.
/// </summary>
internal sealed class ShortLivedCache<TValue>(TimeSpan lifetime, int capacity, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task<TValue> GetOrLoadAsync(string key, Func<CancellationToken, Task<TValue>> load, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_entries.TryGetValue(key, out var existing) && existing.Expires > now && !existing.Value.IsFaulted && !existing.Value.IsCanceled)
            {
                entry = existing;
            }
            else
            {
                // The load runs without the caller's token, so that one caller leaving does not fail the others waiting on it.
                entry = new Entry(Task.Run(() => load(CancellationToken.None), CancellationToken.None), now + lifetime);
                _entries[key] = entry;
                Trim(now);
            }
        }
        try
        {
            return await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
    }

    private void Trim(DateTimeOffset now)
    {
        if (_entries.Count <= capacity)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires <= now)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
        foreach (var (key, entry) in _entries.OrderBy(e => e.Value.Expires).Take(Math.Max(0, _entries.Count - capacity)))
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    private sealed record Entry(Task<TValue> Value, DateTimeOffset Expires);
}
