using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace OfflinePortal.Core.ArcGis.Http;

/// <summary>
/// The retry and timeout pipeline of every ArcGIS client, and the per-request switches it reads.
/// </summary>
/// <remarks>
/// Retried: 408, 429, 5xx (but not 501/505), timeouts of one attempt, and connection failures, including a
/// connection dropped while the JSON answer was being read (the buffering handler sits inside the pipeline so that
/// such a drop is retried like any other). Calls marked unsafe (createReplica, synchronizeReplica) change state on
/// the server and a lost answer does not mean the server did nothing: they are retried only when the request never
/// left (connection refused, name resolution, TLS) or when the server said it did not start (429, 503).
/// </remarks>
internal static partial class ArcGisResilience
{
    public static readonly HttpRequestOptionsKey<bool> RetrySafeKey = new("OfflinePortal.ArcGis.RetrySafe");
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeoutKey = new("OfflinePortal.ArcGis.AttemptTimeout");
    public static readonly HttpRequestOptionsKey<long> BufferLimitKey = new("OfflinePortal.ArcGis.BufferLimit");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ArcGisClientOptions options, ILogger logger, TimeProvider timeProvider)
    {
        builder.TimeProvider = timeProvider;
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    var reason = args.Outcome.Exception is { } e
                        ? $"{e.GetType().Name}: {ArcGisUrl.Redact(e.Message)}"
                        : $"HTTP {(int?)args.Outcome.Result?.StatusCode}";
                    LogRetry(logger, request?.Method.Method ?? "?", ArcGisUrl.Redact(request?.RequestUri), reason,
                        args.AttemptNumber + 1, options.MaxRetryAttempts, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(new HttpTimeoutStrategyOptions
        {
            TimeoutGenerator = args =>
            {
                var request = args.Context.GetRequestMessage();
                var timeout = request is not null && request.Options.TryGetValue(AttemptTimeoutKey, out var t) ? t : options.RequestTimeout;
                return ValueTask.FromResult(timeout);
            },
        });
    }

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
        var request = context.GetRequestMessage();
        var safe = request is null || !request.Options.TryGetValue(RetrySafeKey, out var flag) || flag;
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                TimeoutRejectedException => safe,
                HttpRequestException http => safe || NeverSent(http),
                _ => false,
            };
        }
        if (outcome.Result is not { } response)
        {
            return false;
        }
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            return true;
        }
        return safe && (response.StatusCode == HttpStatusCode.RequestTimeout
            || (status >= 500 && response.StatusCode is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported)));
    }

    /// <summary>True when the request cannot have reached the server (so even a state-changing call may be repeated).</summary>
    private static bool NeverSent(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "ArcGIS request {Method} {Url} failed ({Reason}); retry {Attempt} of {MaxAttempts} in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string method, string url, string reason, int attempt, int maxAttempts, long delayMs);
}
