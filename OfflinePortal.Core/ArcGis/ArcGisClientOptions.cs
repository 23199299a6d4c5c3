using Microsoft.Extensions.Options;

namespace OfflinePortal.Core.ArcGis;

/// <summary>Settings of the ArcGIS REST clients (configuration section <c>ArcGis</c>).</summary>
public sealed class ArcGisClientOptions
{
    public const string SectionName = "ArcGis";

    /// <summary>How long one attempt of an ordinary request may take, until the whole JSON answer is read.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How long one attempt of a request that makes the server work synchronously may take (createReplica and
    /// synchronizeReplica without <c>async</c>).
    /// </summary>
    public TimeSpan LongRequestTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Retries after a transient failure (5xx, 408, 429, timeouts, dropped connections). 0 turns retries off.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single retry delay (also caps a server's <c>Retry-After</c>).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause between two polls of an asynchronous job's status.</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long an asynchronous job may run before the client gives up waiting.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A streamed download fails when no byte arrives for this long.</summary>
    public TimeSpan DownloadIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a download into a seekable stream (a file) is restarted after the connection dropped mid-body.</summary>
    public int DownloadRestartAttempts { get; set; } = 3;

    /// <summary>The largest JSON answer read into memory; larger answers fail with a clear error.</summary>
    public long MaxJsonResponseBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>GET requests whose URL would be longer than this are sent as POST (query, search).</summary>
    public int MaxGetUrlLength { get; set; } = 2000;

    /// <summary>The <c>User-Agent</c> header sent with every request.</summary>
    public string UserAgent { get; set; } = "OfflinePortal/1.0";

    /// <summary>Lifetime asked for tokens obtained with a user name and password (<c>generateToken</c> <c>expiration</c>).</summary>
    public int TokenExpirationMinutes { get; set; } = 120;

    /// <summary>
    /// The <c>referer</c> tokens are bound to (and the <c>Referer</c> header sent with them). Empty: the portal's own
    /// origin.
    /// </summary>
    public string? TokenReferer { get; set; }
}

/// <summary>Checks <see cref="ArcGisClientOptions"/> at start and reports every problem with its configuration key.</summary>
public sealed class ArcGisClientOptionsValidator : IValidateOptions<ArcGisClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ArcGisClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string s = ArcGisClientOptions.SectionName;
        Positive(options.RequestTimeout, nameof(options.RequestTimeout));
        Positive(options.LongRequestTimeout, nameof(options.LongRequestTimeout));
        Positive(options.RetryBaseDelay, nameof(options.RetryBaseDelay));
        Positive(options.JobPollInterval, nameof(options.JobPollInterval));
        Positive(options.JobTimeout, nameof(options.JobTimeout));
        Positive(options.DownloadIdleTimeout, nameof(options.DownloadIdleTimeout));
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"{s}:{nameof(options.RetryMaxDelay)} must not be shorter than {s}:{nameof(options.RetryBaseDelay)}.");
        }
        if (options.MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add($"{s}:{nameof(options.MaxRetryAttempts)} must be between 0 and 10 (is {options.MaxRetryAttempts}).");
        }
        if (options.DownloadRestartAttempts is < 0 or > 10)
        {
            failures.Add($"{s}:{nameof(options.DownloadRestartAttempts)} must be between 0 and 10 (is {options.DownloadRestartAttempts}).");
        }
        if (options.MaxJsonResponseBytes < 64 * 1024)
        {
            failures.Add($"{s}:{nameof(options.MaxJsonResponseBytes)} must be at least 65536 bytes.");
        }
        if (options.MaxGetUrlLength is < 256 or > 65536)
        {
            failures.Add($"{s}:{nameof(options.MaxGetUrlLength)} must be between 256 and 65536.");
        }
        if (string.IsNullOrWhiteSpace(options.UserAgent))
        {
            failures.Add($"{s}:{nameof(options.UserAgent)} must not be empty.");
        }
        if (options.TokenExpirationMinutes is < 1 or > 20160)
        {
            failures.Add($"{s}:{nameof(options.TokenExpirationMinutes)} must be between 1 and 20160 minutes.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{s}:{key} must be positive (is {value}).");
            }
        }
    }
}
