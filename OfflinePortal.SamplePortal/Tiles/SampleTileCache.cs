using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// The rendered-tile cache: bounded by bytes, with one render per tile however many requests ask for it at once.
/// <see cref="Invalidate"/> drops every tile (call it when the sample data changes so tiles show the edits).
/// </summary>
public sealed class SampleTileCache : IDisposable
{
    private readonly MemoryCache? _cache;
    private readonly ConcurrentDictionary<string, Lazy<Task<TileBlob>>> _rendering = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private CancellationTokenSource _generation = new();

    public SampleTileCache(IOptions<SampleTileOptions> options)
    {
        var megabytes = options.Value.TileCacheMegabytes;
        if (megabytes > 0)
        {
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = megabytes * 1024L * 1024L, CompactionPercentage = 0.25 });
        }
    }

    /// <summary>Forgets every cached tile; renders already running finish but are not kept.</summary>
    public void Invalidate()
    {
        CancellationTokenSource previous;
        lock (_gate)
        {
            previous = _generation;
            _generation = new CancellationTokenSource();
        }
        // Not disposed: a render still holding its token checks it when it finishes.
        previous.Cancel();
    }

    internal async Task<TileBlob> GetOrRenderAsync(string key, Func<CancellationToken, Task<TileBlob>> render, CancellationToken cancellationToken)
    {
        if (_cache is null)
        {
            return await render(cancellationToken);
        }
        if (_cache.TryGetValue(key, out TileBlob? cached) && cached is not null)
        {
            return cached;
        }
        CancellationToken generation;
        lock (_gate)
        {
            generation = _generation.Token;
        }
        // The shared render is not tied to the first caller's token: others may still be waiting for it.
        var lazy = _rendering.GetOrAdd(key, _ => new Lazy<Task<TileBlob>>(() => RenderAndStoreAsync(key, render, generation)));
        return await lazy.Value.WaitAsync(cancellationToken);
    }

    private async Task<TileBlob> RenderAndStoreAsync(string key, Func<CancellationToken, Task<TileBlob>> render, CancellationToken generation)
    {
        try
        {
            var blob = await render(CancellationToken.None);
            if (!generation.IsCancellationRequested)
            {
                using var entry = _cache!.CreateEntry(key);
                entry.Value = blob;
                entry.Size = blob.Size;
                entry.AddExpirationToken(new CancellationChangeToken(generation));
            }
            return blob;
        }
        finally
        {
            _rendering.TryRemove(key, out _);
        }
    }

    public void Dispose()
    {
        _cache?.Dispose();
        _generation.Dispose();
    }
}
