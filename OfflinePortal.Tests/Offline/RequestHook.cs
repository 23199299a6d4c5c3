using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.Offline;
using OfflinePortal.Tests.ArcGis;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// Sees every request the engine sends (a handler in front of all its HTTP clients, outside the retry pipeline):
/// counts the requests in flight by a key of the test's choosing, and lets a test act before a request goes out —
/// cancel the job at that exact request, or hold requests until enough are in flight to prove they run together.
/// </summary>
public sealed class RequestHook
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _maxInFlight = new(StringComparer.Ordinal);
    private readonly List<string> _paths = [];
    private Func<HttpRequestMessage, string?> _key = _ => null;
    private Func<HttpRequestMessage, CancellationToken, Task>? _before;

    /// <summary>Paths of every request seen, in order.</summary>
    public IReadOnlyList<string> Paths
    {
        get
        {
            lock (_lock)
            {
                return [.. _paths];
            }
        }
    }

    /// <summary>Requests are counted under the key this returns (null: not counted).</summary>
    public void CountBy(Func<HttpRequestMessage, string?> key) => _key = key;

    /// <summary>Runs before each request goes out; null for none.</summary>
    public void Before(Func<HttpRequestMessage, CancellationToken, Task>? before) => Volatile.Write(ref _before, before);

    /// <summary>Cancels <paramref name="source"/> at the first request that matches, before it is sent.</summary>
    public Task<HttpRequestMessage> CancelAt(Func<HttpRequestMessage, bool> match, CancellationTokenSource source)
    {
        var fired = new TaskCompletionSource<HttpRequestMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        Before((request, _) =>
        {
            if (match(request) && fired.TrySetResult(request))
            {
                source.Cancel();
            }
            return Task.CompletedTask;
        });
        return fired.Task;
    }

    public int InFlight(string key)
    {
        lock (_lock)
        {
            return _inFlight.GetValueOrDefault(key);
        }
    }

    /// <summary>The most requests in flight at once under <paramref name="key"/>.</summary>
    public int MaxInFlight(string key)
    {
        lock (_lock)
        {
            return _maxInFlight.GetValueOrDefault(key);
        }
    }

    /// <summary>The most distinct keys with a request in flight at once.</summary>
    public int MaxDistinctKeys { get; private set; }

    /// <summary>The number of distinct keys with a request in flight now.</summary>
    public int DistinctKeys
    {
        get
        {
            lock (_lock)
            {
                return _inFlight.Count;
            }
        }
    }

    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send)
    {
        var key = _key(request);
        lock (_lock)
        {
            _paths.Add(request.RequestUri?.AbsolutePath ?? "");
            if (key is not null)
            {
                var now = _inFlight[key] = _inFlight.GetValueOrDefault(key) + 1;
                _maxInFlight[key] = Math.Max(_maxInFlight.GetValueOrDefault(key), now);
                MaxDistinctKeys = Math.Max(MaxDistinctKeys, _inFlight.Count);
            }
        }
        try
        {
            if (Volatile.Read(ref _before) is { } before)
            {
                await before(request, cancellationToken);
            }
            return await send(request, cancellationToken);
        }
        finally
        {
            if (key is not null)
            {
                lock (_lock)
                {
                    if (--_inFlight[key] == 0)
                    {
                        _inFlight.Remove(key);
                    }
                }
            }
        }
    }

    /// <summary>The service a request is for: the folder before <c>FeatureServer</c>, <c>MapServer</c> or <c>VectorTileServer</c>.</summary>
    public static string? ServiceOf(HttpRequestMessage request)
    {
        var segments = request.RequestUri?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var i = Array.FindIndex(segments, s => s is "FeatureServer" or "MapServer" or "VectorTileServer");
        return i > 0 ? segments[i - 1] + "/" + segments[i] : null;
    }

    public static bool PathContains(HttpRequestMessage request, string text) =>
        request.RequestUri?.AbsolutePath.Contains(text, StringComparison.OrdinalIgnoreCase) == true;

    private sealed class Handler(RequestHook hook) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            hook.SendAsync(request, cancellationToken, base.SendAsync);
    }

    /// <summary>The offline engine as <see cref="OfflineEngine.Create"/> builds it, with this hook in front of every HTTP client.</summary>
    public HookedEngine CreateEngine(Action<OfflineMapOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new CapturingLoggerProvider()));
        // Defaults run before each client's own configuration, so this handler sits outside the retry pipeline.
        services.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new Handler(this)));
        services.AddArcGisClients(configure: o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
            o.JobPollInterval = TimeSpan.FromMilliseconds(25);
            o.RequestTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddPackaging();
        services.AddOfflineMaps(configure: o =>
        {
            o.ProgressInterval = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        return new HookedEngine(services.BuildServiceProvider(validateScopes: true));
    }
}

public sealed class HookedEngine(ServiceProvider services) : IAsyncDisposable
{
    public OfflineMapTaskFactory Factory => services.GetRequiredService<OfflineMapTaskFactory>();

    public ValueTask DisposeAsync() => services.DisposeAsync();
}

/// <summary>
/// Holds requests until <paramref name="target"/> of them are in flight together (then lets everything through), so a
/// test proves concurrency without timing: a job that never has that many requests in flight fails the wait.
/// </summary>
public sealed class Rendezvous(int target)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private int _waiting;

    public bool Reached => _reached.Task.IsCompleted;

    /// <summary>Waits with the others; with a <paramref name="key"/>, only distinct keys count towards the target.</summary>
    public async Task ArriveAsync(CancellationToken cancellationToken, string? key = null)
    {
        if (_reached.Task.IsCompleted)
        {
            return;
        }
        bool counts;
        lock (_keys)
        {
            counts = key is null || _keys.Add(key);
        }
        if (counts && Interlocked.Increment(ref _waiting) >= target)
        {
            _reached.TrySetResult();
        }
        try
        {
            // Long enough never to be hit by a working engine; a failure here means the requests were not concurrent.
            await _reached.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Only {Volatile.Read(ref _waiting)} of {target} requests were ever in flight together.");
        }
    }
}
