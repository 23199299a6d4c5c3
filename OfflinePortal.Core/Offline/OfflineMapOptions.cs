using Microsoft.Extensions.Options;

namespace OfflinePortal.Core.Offline;

/// <summary>Settings of the offline engine (configuration section <c>Offline</c>).</summary>
public sealed class OfflineMapOptions
{
    public const string SectionName = "Offline";

    /// <summary>Feature services, tiled layers and vector tile layers worked on at the same time by one job.</summary>
    public int MaxConcurrentServices { get; set; } = 3;

    /// <summary>Tile requests in flight at the same time, over all tile layers of one job.</summary>
    public int MaxConcurrentTileRequests { get; set; } = 8;

    /// <summary>Attachment downloads in flight at the same time, over all feature services of one job.</summary>
    public int MaxConcurrentAttachmentDownloads { get; set; } = 4;

    /// <summary>Service descriptions loaded at the same time when a task opens a web map.</summary>
    public int MaxConcurrentMetadataRequests { get; set; } = 8;

    /// <summary>The largest area of interest accepted, in square kilometres.</summary>
    public double MaxAreaSquareKilometres { get; set; } = 5000;

    /// <summary>
    /// Ask feature services for attachments by URL (downloaded afterwards, a few at a time) rather than inline in the
    /// replica file as base64. Inline data needs no further requests but makes the replica file a third larger.
    /// </summary>
    public bool AttachmentsByUrl { get; set; } = true;

    /// <summary>Real tiles downloaded per level to estimate tile sizes (0: sizes are not estimated).</summary>
    public int EstimateTileSamplesPerLevel { get; set; } = 5;

    /// <summary>Features per layer whose rows and attachments are downloaded to estimate sizes (0: not sampled).</summary>
    public int EstimateFeatureSamples { get; set; } = 25;

    /// <summary>
    /// Marker in the name of the temporary sibling folder a job writes into before renaming it to the package folder
    /// (<c>.&lt;package&gt;&lt;marker&gt;&lt;id&gt;</c>); a leftover folder with this marker is a job that never finished.
    /// </summary>
    public string TemporaryDirectoryMarker { get; set; } = ".offline-tmp-";

    /// <summary>Prefix of the replica names the engine registers (ArcGIS lists them under the service's replicas).</summary>
    public string ReplicaNamePrefix { get; set; } = "OfflinePortal";

    /// <summary>Shortest pause between two progress reports of a job (state changes are always reported).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>Checks <see cref="OfflineMapOptions"/> at start and names every bad key.</summary>
public sealed class OfflineMapOptionsValidator : IValidateOptions<OfflineMapOptions>
{
    public ValidateOptionsResult Validate(string? name, OfflineMapOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = OfflineMapOptions.SectionName;
        var failures = new List<string>();
        Range(options.MaxConcurrentServices, 1, 64, nameof(options.MaxConcurrentServices));
        Range(options.MaxConcurrentTileRequests, 1, 256, nameof(options.MaxConcurrentTileRequests));
        Range(options.MaxConcurrentAttachmentDownloads, 1, 64, nameof(options.MaxConcurrentAttachmentDownloads));
        Range(options.MaxConcurrentMetadataRequests, 1, 64, nameof(options.MaxConcurrentMetadataRequests));
        Range(options.EstimateTileSamplesPerLevel, 0, 50, nameof(options.EstimateTileSamplesPerLevel));
        Range(options.EstimateFeatureSamples, 0, 1000, nameof(options.EstimateFeatureSamples));
        if (!(options.MaxAreaSquareKilometres > 0) || double.IsInfinity(options.MaxAreaSquareKilometres))
        {
            failures.Add($"{s}:{nameof(options.MaxAreaSquareKilometres)} must be a positive number of square kilometres.");
        }
        if (string.IsNullOrWhiteSpace(options.TemporaryDirectoryMarker)
            || options.TemporaryDirectoryMarker.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/', '\\']) >= 0)
        {
            failures.Add($"{s}:{nameof(options.TemporaryDirectoryMarker)} must be a non-empty text usable in a folder name.");
        }
        if (string.IsNullOrWhiteSpace(options.ReplicaNamePrefix) || !options.ReplicaNamePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            failures.Add($"{s}:{nameof(options.ReplicaNamePrefix)} must hold only ASCII letters, digits and underscores.");
        }
        if (options.ProgressInterval < TimeSpan.Zero || options.ProgressInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{s}:{nameof(options.ProgressInterval)} must be between 0 and 1 minute.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Range(int value, int min, int max, string key)
        {
            if (value < min || value > max)
            {
                failures.Add(FormattableString.Invariant($"{s}:{key} must be between {min} and {max} (is {value})."));
            }
        }
    }
}
