using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.ArcGis.Tiles;

namespace OfflinePortal.Tests.ArcGis;

/// <summary>One captured log line.</summary>
public sealed record LogLine(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>Collects every log line of every category, including exception text.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " | " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
            }
            lines.Enqueue(new LogLine(category, logLevel, text, exception));
        }
    }
}

/// <summary>The ArcGIS clients as the application registers them (<c>AddArcGisClients</c>), with fast retries for tests.</summary>
public sealed class ClientHarness : IAsyncDisposable
{
    private ClientHarness(ServiceProvider services, CapturingLoggerProvider logs)
    {
        Services = services;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public ArcGisPortalClient Portal => Services.GetRequiredService<ArcGisPortalClient>();

    public FeatureServiceClient Features => Services.GetRequiredService<FeatureServiceClient>();

    public TiledServiceClient Tiles => Services.GetRequiredService<TiledServiceClient>();

    public VectorTileServiceClient VectorTiles => Services.GetRequiredService<VectorTileServiceClient>();

    public ArcGisClientOptions Options => Services.GetRequiredService<IOptions<ArcGisClientOptions>>().Value;

    public static ClientHarness Create(Action<ArcGisClientOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }
        services.AddArcGisClients(configure: o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(50);
            o.JobPollInterval = TimeSpan.FromMilliseconds(10);
            o.RequestTimeout = TimeSpan.FromSeconds(20);
            configure?.Invoke(o);
        });
        return new ClientHarness(services.BuildServiceProvider(validateScopes: true), logs);
    }

    /// <summary>All log text, for checking that no secret leaked.</summary>
    public string AllLogText() => string.Join("\n", Logs.Lines.Select(l => l.Message + " " + l.Exception));

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
