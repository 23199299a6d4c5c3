using OfflinePortal.Core.Administration;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Runs a portal job with the offline engine: opens the job's web map on the effective source portal with the server's
/// credential, takes the parameters and overrides the job stored, and builds the package in the job's temporary folder
/// before it becomes the job's package folder. The area of interest is the job's own snapshot of its area, so the audit
/// record and the package agree. Progress rows and log lines flow to the job monitor; the per-layer outcome comes from
/// the package manifest.
/// </summary>
public sealed class OfflineMapJobExecutor(OfflineMapJobRunner runner, PortalAccessProvider access) : IJobExecutor
{
    public async Task<JobOutcome> ExecuteAsync(JobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Job;
        context.Progress.Report(new JobProgressUpdate(0, "Opening the web map"));
        var portal = await access.GetAsync(cancellationToken).ConfigureAwait(false);
        context.Log.Info($"Source portal: {ArcGisUrl.Redact(portal.PortalUrl)}{(portal.IsSample ? " (the built-in sample portal)" : "")}.");

        GenerateOfflineMapResult result;
        try
        {
            result = await runner.RunAsync(
                new OfflineMapJobRequest
                {
                    PortalUrl = portal.PortalUrl,
                    WebMapItemId = job.WebMapId,
                    ParametersJson = job.ParametersJson,
                    OverridesJson = string.IsNullOrWhiteSpace(job.OverridesJson) ? null : job.OverridesJson,
                    AreaGeoJson = job.AreaGeoJson,
                    PackageDirectory = context.PackageDirectory,
                    TemporaryDirectory = context.TemporaryDirectory,
                    CreatedBy = job.CreatedByName,
                },
                portal.Credential,
                new ProgressBridge(context.Progress),
                new LogBridge(context.Log),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OfflineMapTaskException or GenerateOfflineMapException or ArgumentException)
        {
            // ArgumentException covers unusable parameters, overrides and areas (AreaOfInterestException).
            return JobOutcome.Failed(e.Message);
        }

        var layers = Outcomes(result);
        if (!result.HasErrors)
        {
            return JobOutcome.Succeeded(layers);
        }
        var failed = result.LayerErrors.Values.Concat(result.TableErrors.Values).ToList();
        var summary = failed.Count == 1
            ? $"'{failed[0].Title}' did not go offline: {failed[0].Message}"
            : $"{failed.Count} layers or tables did not go offline: {string.Join("; ", failed.Select(f => $"'{f.Title}': {f.Message}"))}";
        return JobOutcome.SucceededWithErrors(layers, summary);
    }

    private static List<JobLayerOutcome> Outcomes(GenerateOfflineMapResult result) =>
        result.Manifest?.Layers.Select(l => new JobLayerOutcome(
            l.Id,
            l.Title,
            l.Kind,
            l.Status switch
            {
                PackageLayerStatus.Offline => LayerResultStatus.Offline,
                PackageLayerStatus.OnlineOnly => LayerResultStatus.OnlineOnly,
                PackageLayerStatus.Omitted => LayerResultStatus.Omitted,
                _ => LayerResultStatus.Failed,
            },
            l.FeatureCount ?? l.TileCount,
            l.Bytes,
            l.Error ?? (l.Status is PackageLayerStatus.OnlineOnly or PackageLayerStatus.Omitted ? l.Reason : null))).ToList() ?? [];

    /// <summary>Engine progress → the job monitor's rows (same layer ids: the web map's).</summary>
    private sealed class ProgressBridge(IProgress<JobProgressUpdate> target) : IProgress<GenerateOfflineMapProgress>
    {
        public void Report(GenerateOfflineMapProgress value) => target.Report(new JobProgressUpdate(
            value.Fraction,
            value.Step,
            value.Layers.Select(l => new JobLayerProgress(
                l.Id,
                l.Title,
                l.Kind.ToManifestName(),
                l.State switch
                {
                    LayerJobState.Pending => JobLayerPhase.Pending,
                    LayerJobState.Running => JobLayerPhase.Running,
                    LayerJobState.Done => JobLayerPhase.Offline,
                    LayerJobState.OnlineOnly => JobLayerPhase.OnlineOnly,
                    LayerJobState.Omitted => JobLayerPhase.Omitted,
                    _ => JobLayerPhase.Failed,
                },
                l.Fraction,
                l.Done,
                l.Total,
                l.Bytes,
                l.Error)).ToList()));
    }

    private sealed class LogBridge(IJobLog log) : IProgress<JobMessage>
    {
        public void Report(JobMessage value) => log.Write(
            value.Severity switch
            {
                JobMessageSeverity.Error => JobLogLevel.Error,
                JobMessageSeverity.Warning => JobLogLevel.Warning,
                _ => JobLogLevel.Information,
            },
            value.Text);
    }
}
