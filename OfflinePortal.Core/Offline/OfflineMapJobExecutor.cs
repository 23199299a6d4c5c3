using System.Text.Json;
using System.Text.Json.Nodes;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Runs a portal job with the offline engine: opens the job's web map on the effective source portal with the server's
/// credential, takes the parameters and overrides the job stored, and generates the package into the job's package
/// folder. The area of interest is always the job's own snapshot of its area, so the audit record and the package agree.
/// Progress rows and log lines flow to the job monitor; the per-layer outcome comes from the package manifest.
/// </summary>
public sealed class OfflineMapJobExecutor(OfflineMapTaskFactory tasks, PortalAccessProvider access) : IJobExecutor
{
    public async Task<JobOutcome> ExecuteAsync(JobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var job = context.Job;

        GenerateOfflineMapParameters parameters;
        GenerateOfflineMapParameterOverrides? overrides;
        try
        {
            parameters = ReadParameters(job);
            overrides = string.IsNullOrWhiteSpace(job.OverridesJson) ? null : OfflineJson.DeserializeOverrides(job.OverridesJson);
        }
        catch (ArgumentException e)
        {
            return JobOutcome.Failed(e.Message);
        }

        context.Progress.Report(new JobProgressUpdate(0, "Opening the web map"));
        var portal = await access.GetAsync(cancellationToken).ConfigureAwait(false);
        OfflineMapTask task;
        try
        {
            task = await tasks.CreateAsync(portal.PortalUrl, job.WebMapId, portal.Credential, cancellationToken).ConfigureAwait(false);
        }
        catch (OfflineMapTaskException e)
        {
            return JobOutcome.Failed(e.Message);
        }
        context.Log.Info($"Opened web map '{task.Item.Title}' ({job.WebMapId}) on {ArcGisUrl.Redact(portal.PortalUrl)}.");

        var capabilities = await task.GetOfflineMapCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        var kinds = capabilities.All.ToDictionary(c => c.Id, c => KindName(c.Kind), StringComparer.Ordinal);
        var progress = new ProgressBridge(context.Progress, kinds);
        var messages = new LogBridge(context.Log);

        GenerateOfflineMapResult result;
        try
        {
            result = await task.GenerateOfflineMap(parameters, context.PackageDirectory, overrides, job.CreatedByName)
                .RunAsync(progress, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is GenerateOfflineMapException or ArgumentException) // ArgumentException covers AreaOfInterestException
        {
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

    /// <summary>The stored parameters with the job's own area as the area of interest (the area snapshot is the record of truth).</summary>
    internal static GenerateOfflineMapParameters ReadParameters(JobDefinition job)
    {
        EsriGeometry area;
        try
        {
            area = GeoJson.ReadGeometry(job.AreaGeoJson);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"The job's area '{job.AreaName}' is not readable GeoJSON: {e.Message}", e);
        }
        JsonObject json;
        try
        {
            json = JsonNode.Parse(string.IsNullOrWhiteSpace(job.ParametersJson) ? "{}" : job.ParametersJson) as JsonObject
                ?? throw new ArgumentException("The job's parameters are not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The job's parameters are not valid JSON: {e.Message}", e);
        }
        json["areaOfInterest"] = JsonNode.Parse(EsriJson.ToJson(area with { SpatialReference = area.SpatialReference ?? SpatialReference.Wgs84 }));
        return OfflineJson.DeserializeParameters(json.ToJsonString());
    }

    private static List<JobLayerOutcome> Outcomes(GenerateOfflineMapResult result)
    {
        if (result.Manifest is not { } manifest)
        {
            return [];
        }
        return manifest.Layers.Select(l => new JobLayerOutcome(
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
            l.Error ?? (l.Status is PackageLayerStatus.OnlineOnly or PackageLayerStatus.Omitted ? l.Reason : null))).ToList();
    }

    private static string KindName(OfflineLayerKind kind) => kind switch
    {
        OfflineLayerKind.FeatureLayer => "feature-layer",
        OfflineLayerKind.Table => "table",
        OfflineLayerKind.TiledLayer => "tiled-layer",
        OfflineLayerKind.VectorTileLayer => "vector-tile-layer",
        OfflineLayerKind.FeatureCollection => "feature-collection",
        OfflineLayerKind.GroupLayer => "group-layer",
        _ => "other",
    };

    /// <summary>Engine progress → the job monitor's rows (same layer ids, the web map's).</summary>
    private sealed class ProgressBridge(IProgress<JobProgressUpdate> target, IReadOnlyDictionary<string, string> kinds)
        : IProgress<GenerateOfflineMapProgress>
    {
        public void Report(GenerateOfflineMapProgress value) => target.Report(new JobProgressUpdate(
            value.Fraction,
            value.Step,
            value.Layers.Select(l => new JobLayerProgress(
                l.Id,
                l.Title,
                kinds.GetValueOrDefault(l.Id, "other"),
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
