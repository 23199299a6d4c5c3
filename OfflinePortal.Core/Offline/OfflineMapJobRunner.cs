using OfflinePortal.Core.ArcGis;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// One offline map job as the portal's job executor stores it: the web map, the parameters and overrides as JSON
/// (<see cref="OfflineJson"/>), and the package folder. The credential is not stored with the job; the executor
/// supplies it when it runs the job.
/// </summary>
public sealed record OfflineMapJobRequest
{
    public required Uri PortalUrl { get; init; }

    public required string WebMapItemId { get; init; }

    /// <summary><see cref="GenerateOfflineMapParameters"/> as <see cref="OfflineJson.Serialize(GenerateOfflineMapParameters)"/> writes them.</summary>
    public required string ParametersJson { get; init; }

    /// <summary>Optional <see cref="GenerateOfflineMapParameterOverrides"/> as JSON; null to derive them from the parameters.</summary>
    public string? OverridesJson { get; init; }

    /// <summary>The package folder (new or empty).</summary>
    public required string PackageDirectory { get; init; }

    /// <summary>Who asked for the package (written to the manifest).</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>
/// The entry point for the portal's job executor: opens the web map, reads the parameters and overrides from JSON
/// and runs the job with the executor's progress and log sinks.
/// </summary>
public sealed class OfflineMapJobRunner(OfflineMapTaskFactory factory)
{
    /// <exception cref="OfflineMapTaskException">The web map cannot be opened.</exception>
    /// <exception cref="ArgumentException">The parameters or overrides JSON cannot be read or used.</exception>
    /// <exception cref="GenerateOfflineMapException">No package could be produced; nothing was left behind.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public async Task<GenerateOfflineMapResult> RunAsync(OfflineMapJobRequest request, ArcGisCredential? credential = null,
        IProgress<GenerateOfflineMapProgress>? progress = null, IProgress<JobMessage>? messages = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = OfflineJson.DeserializeParameters(request.ParametersJson);
        var overrides = request.OverridesJson is null ? null : OfflineJson.DeserializeOverrides(request.OverridesJson);
        var task = await factory.CreateAsync(request.PortalUrl, request.WebMapItemId, credential, cancellationToken).ConfigureAwait(false);
        var job = task.GenerateOfflineMap(parameters, request.PackageDirectory, overrides, request.CreatedBy);
        return await job.RunAsync(progress, messages, cancellationToken).ConfigureAwait(false);
    }
}
