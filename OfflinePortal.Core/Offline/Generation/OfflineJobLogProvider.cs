using Microsoft.Extensions.Logging;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Brings what the ArcGIS clients log while a job runs (retries after a failure, token renewals, restarted downloads,
/// replica job states) into that job's message log. The job opens a scope around its work; the clients log as usual,
/// and this provider forwards their messages to whichever job's scope the logging call runs in (the scope flows with
/// the async calls, so concurrent jobs and layers keep their messages apart).
/// </summary>
public sealed class OfflineJobLogProvider : ILoggerProvider
{
    /// <summary>ArcGIS client events worth a line in a job's log: retry (1101), token renewed (1102), download restarted (1104), replica job state (1111).</summary>
    private static readonly HashSet<int> ForwardedEvents = [1101, 1102, 1104, 1111];

    private readonly AsyncLocal<Scope?> _current = new();

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("OfflinePortal.Core.ArcGis", StringComparison.Ordinal) ? new ForwardingLogger(this) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    /// <summary>Until disposed, client messages logged in this async flow go to <paramref name="log"/>, prefixed with <paramref name="context"/>.</summary>
    internal IDisposable Begin(JobLog log, string? context)
    {
        var previous = _current.Value;
        _current.Value = new Scope(log, context);
        return new Restore(this, previous);
    }

    private sealed record Scope(JobLog Log, string? Context);

    private sealed class Restore(OfflineJobLogProvider owner, Scope? previous) : IDisposable
    {
        public void Dispose() => owner._current.Value = previous;
    }

    private sealed class ForwardingLogger(OfflineJobLogProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && owner._current.Value is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner._current.Value is not { } scope || !ForwardedEvents.Contains(eventId.Id) || logLevel < LogLevel.Information)
            {
                return;
            }
            var text = formatter(state, exception);
            scope.Log.Add(logLevel >= LogLevel.Warning ? JobMessageSeverity.Warning : JobMessageSeverity.Info,
                scope.Context is null ? text : $"{scope.Context}: {text}", forwardToLogger: false);
        }
    }
}

/// <summary>A job's message log: kept in order, handed to the caller's sink as it grows, and written to the logger.</summary>
internal sealed partial class JobLog(TimeProvider timeProvider, IProgress<JobMessage>? sink, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly Lock _sinkLock = new();
    private readonly List<JobMessage> _messages = [];

    public IReadOnlyList<JobMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    public void Info(string text) => Add(JobMessageSeverity.Info, text);

    public void Warning(string text) => Add(JobMessageSeverity.Warning, text);

    public void Error(string text) => Add(JobMessageSeverity.Error, text);

    public void Add(JobMessageSeverity severity, string text, bool forwardToLogger = true)
    {
        var message = new JobMessage(timeProvider.GetUtcNow(), severity, text);
        lock (_lock)
        {
            _messages.Add(message);
        }
        if (forwardToLogger)
        {
            LogMessage(logger, severity switch
            {
                JobMessageSeverity.Error => LogLevel.Error,
                JobMessageSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Information,
            }, text);
        }
        if (sink is not null)
        {
            lock (_sinkLock)
            {
                sink.Report(message);
            }
        }
    }

    [LoggerMessage(EventId = 1300, Message = "Offline job: {Text}")]
    private static partial void LogMessage(ILogger logger, LogLevel level, string text);
}
