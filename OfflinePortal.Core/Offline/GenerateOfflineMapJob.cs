using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Generates an offline package (the SDK's GenerateOfflineMapJob). Made by
/// <see cref="OfflineMapTask.GenerateOfflineMap"/>; <see cref="RunAsync"/> runs it once.
/// </summary>
/// <remarks>
/// The package is written into a temporary sibling of <see cref="DownloadDirectory"/> and renamed into place only when
/// everything is written; a job that fails or is cancelled removes that folder and unregisters the replicas it
/// registered (best effort, logged), so nothing is left where the package was asked for. Feature services, tiled
/// layers and vector tile layers run concurrently within <see cref="OfflineMapOptions.MaxConcurrentServices"/>.
/// </remarks>
public sealed class GenerateOfflineMapJob
{
    private readonly OfflineMapTask _task;
    private readonly string? _createdBy;
    private readonly string? _temporaryDirectory;
    private int _started;

    internal GenerateOfflineMapJob(OfflineMapTask task, GenerateOfflineMapParameters parameters, string downloadDirectory,
        GenerateOfflineMapParameterOverrides? overrides, string? createdBy, string? temporaryDirectory = null)
    {
        _task = task;
        Parameters = parameters;
        DownloadDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(downloadDirectory));
        Overrides = overrides;
        _createdBy = createdBy;
        _temporaryDirectory = temporaryDirectory is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(temporaryDirectory));
    }

    public GenerateOfflineMapParameters Parameters { get; }

    public GenerateOfflineMapParameterOverrides? Overrides { get; }

    /// <summary>Where the package goes; it must not exist or be empty.</summary>
    public string DownloadDirectory { get; }

    /// <summary>
    /// Runs the job. <paramref name="progress"/> and <paramref name="messages"/> are called on the job's own threads, at
    /// once, one call at a time (wrap them when they must run elsewhere, e.g. on a UI's dispatcher).
    /// </summary>
    /// <exception cref="ArgumentException">The parameters or overrides are invalid (every problem is named).</exception>
    /// <exception cref="GenerateOfflineMapException">The job could not produce a package; nothing was left behind.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public async Task<GenerateOfflineMapResult> RunAsync(IProgress<GenerateOfflineMapProgress>? progress = null, IProgress<JobMessage>? messages = null,
        CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("A GenerateOfflineMapJob runs once; create a new job to run again.");
        }
        // Cancelled before it starts: nothing is planned, reported or logged.
        cancellationToken.ThrowIfCancellationRequested();
        var services = _task.Services;
        var log = new JobLog(services.Time, messages, services.Logger);
        var title = Parameters.ItemInfo?.Title ?? _task.Item.Title;
        log.Info($"Offline map '{title}' from web map {_task.ItemId} into {DownloadDirectory}.");

        OfflinePlan plan;
        try
        {
            plan = await _task.Planner.PlanAsync(Parameters, Overrides, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            log.Error(e.Message);
            throw;
        }
        foreach (var note in plan.Notes)
        {
            log.Warning(note);
        }
        var limits = new OfflineMapEstimate(OfflineMapEstimator.CountTiles(plan), []).LimitViolations;
        if (limits.Count > 0)
        {
            throw Refuse(log, "The job was not started: " + string.Join(" ", limits));
        }
        var failedUpFront = plan.Layers.Where(l => l.Status == PlannedStatus.Failed).ToList();
        foreach (var layer in failedUpFront)
        {
            log.Error($"'{layer.Title}' cannot go offline: {layer.Reason}");
        }
        if (!Parameters.ContinueOnErrors && failedUpFront.Count > 0)
        {
            throw Refuse(log, $"The job was not started: '{failedUpFront[0].Title}' cannot go offline ({failedUpFront[0].Reason}) and continue-on-errors is off.");
        }
        CheckDownloadDirectory(log);

        var parent = Path.GetDirectoryName(DownloadDirectory) ?? throw Refuse(log, $"The download directory {DownloadDirectory} has no parent folder.");
        Directory.CreateDirectory(parent);
        var jobId = Guid.NewGuid().ToString("N")[..8];
        var temporary = _temporaryDirectory ?? Path.Combine(parent, "." + Path.GetFileName(DownloadDirectory) + services.Options.TemporaryDirectoryMarker + jobId);
        if (_temporaryDirectory is not null)
        {
            if (File.Exists(temporary) || (Directory.Exists(temporary) && Directory.EnumerateFileSystemEntries(temporary).Any()))
            {
                throw Refuse(log, $"The temporary directory {temporary} is not empty.");
            }
            if (!string.Equals(Path.GetPathRoot(temporary), Path.GetPathRoot(DownloadDirectory), StringComparison.Ordinal))
            {
                throw Refuse(log, $"The temporary directory {temporary} must be on the same volume as {DownloadDirectory}, to be renamed into place.");
            }
        }
        var tracker = new JobProgressTracker(plan.Layers, progress, services.Time, services.Options.ProgressInterval);
        using var tileGate = new SemaphoreSlim(services.Options.MaxConcurrentTileRequests);
        using var attachmentGate = new SemaphoreSlim(services.Options.MaxConcurrentAttachmentDownloads);
        var context = new JobContext
        {
            Features = services.Features,
            Tiles = services.Tiles,
            VectorTiles = services.VectorTiles,
            Credential = _task.Credential,
            Options = services.Options,
            Log = log,
            Progress = tracker,
            LogScopes = services.LogScopes,
            Time = services.Time,
            TileGate = tileGate,
            AttachmentGate = attachmentGate,
            JobId = jobId,
            PackageDirectory = temporary,
            WorkDirectory = Path.Combine(temporary, ".work"),
            SyncDataOptions = _task.WebMap.Offline.SyncDataOptions,
        };
        using var scope = services.LogScopes.Begin(log, null);
        try
        {
            Directory.CreateDirectory(Path.Combine(temporary, "data"));
            Directory.CreateDirectory(Path.Combine(temporary, "tiles"));
            Directory.CreateDirectory(context.WorkDirectory);
            var (outcomes, failures) = await RunUnitsAsync(plan, context, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            tracker.SetStep("writing map, thumbnail and manifest", 0.2);
            var result = await FinishPackageAsync(plan, context, outcomes, failures, temporary, cancellationToken).ConfigureAwait(false);
            tracker.SetStep("done", 1);
            return result;
        }
        catch (Exception e)
        {
            var cancelled = e is OperationCanceledException && cancellationToken.IsCancellationRequested;
            log.Add(cancelled ? JobMessageSeverity.Warning : JobMessageSeverity.Error,
                cancelled ? "The job was cancelled; removing what it wrote." : $"The job failed: {e.Message} Removing what it wrote.");
            await UnregisterAsync(context).ConfigureAwait(false);
            DeleteDirectory(temporary, log);
            tracker.SetStep(cancelled ? "cancelled" : "failed");
            if (cancelled || e is GenerateOfflineMapException or ArgumentException)
            {
                throw;
            }
            throw new GenerateOfflineMapException($"The offline map could not be generated: {e.Message}", e);
        }
    }

    private void CheckDownloadDirectory(JobLog log)
    {
        if (File.Exists(DownloadDirectory))
        {
            throw Refuse(log, $"The download directory {DownloadDirectory} is a file; choose a new folder or an empty one.");
        }
        if (Directory.Exists(DownloadDirectory) && Directory.EnumerateFileSystemEntries(DownloadDirectory).Any())
        {
            throw Refuse(log, $"The download directory {DownloadDirectory} is not empty; choose a new folder or an empty one (nothing in it was changed).");
        }
    }

    private static GenerateOfflineMapException Refuse(JobLog log, string message)
    {
        log.Error(message);
        return new GenerateOfflineMapException(message);
    }

    /// <summary>
    /// Runs every unit, a few at a time. A unit that fails fails its layers; with <c>ContinueOnErrors</c> off the first
    /// failure cancels the rest and ends the job.
    /// </summary>
    private async Task<(List<UnitOutcome> Outcomes, Dictionary<string, string> Failures)> RunUnitsAsync(OfflinePlan plan, JobContext context,
        CancellationToken cancellationToken)
    {
        var services = _task.Services;
        var stems = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var units = new List<(string Key, IReadOnlyList<string> LayerIds, string Title, string File, Func<CancellationToken, Task<UnitOutcome>> Run)>();
        foreach (var unit in plan.FeatureUnits)
        {
            var worker = new FeatureUnitWorker(context, unit, PackageNames.ToFileStem(unit.Title, stems));
            units.Add((OfflinePlanner.ServiceKey(unit.ServiceUrl), unit.Layers.Where(l => l.MapLayer is not null).Select(l => l.MapLayer!.Id).ToList(), unit.Title,
                worker.RelativePath, worker.RunAsync));
        }
        foreach (var unit in plan.TileUnits)
        {
            var worker = new TileUnitWorker(context, unit, PackageNames.ToFileStem(unit.Layer.Title, stems));
            units.Add((unit.Layer.Id, [unit.Layer.Id], $"'{unit.Layer.Title}'", worker.RelativePath, worker.RunAsync));
        }
        foreach (var unit in plan.VectorTileUnits)
        {
            var worker = new VectorTileUnitWorker(context, unit, PackageNames.ToFileStem(unit.Layer.Title, stems));
            units.Add((unit.Layer.Id, [unit.Layer.Id], $"'{unit.Layer.Title}'", worker.RelativePath, worker.RunAsync));
        }
        foreach (var unit in units)
        {
            context.Progress.AddUnit(unit.Key);
        }
        context.Progress.SetStep(string.Create(CultureInfo.InvariantCulture, $"taking {units.Count} services and layers offline"));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(services.Options.MaxConcurrentServices);
        var outcomes = new List<UnitOutcome>();
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        Exception? firstFailure = null;
        var tasks = units.Select(async unit =>
        {
            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                using var logScope = context.LogScopes.Begin(context.Log, unit.Title);
                var outcome = await unit.Run(stop.Token).ConfigureAwait(false);
                lock (outcomes)
                {
                    outcomes.Add(outcome);
                }
            }
            catch (Exception e) when (!(e is OperationCanceledException && stop.IsCancellationRequested))
            {
                var message = e is UnitFailedException ? e.Message : $"{unit.Title}: {e.Message}";
                context.Log.Error(message);
                await CleanUpUnitAsync(context, unit.Key, unit.File).ConfigureAwait(false);
                lock (failures)
                {
                    foreach (var id in unit.LayerIds)
                    {
                        failures[id] = message;
                        context.Progress.Update(id, p => p with { State = LayerJobState.Failed, Step = "failed", Error = message });
                    }
                }
                context.Progress.SetUnitFraction(unit.Key, 1);
                if (!Parameters.ContinueOnErrors)
                {
                    Interlocked.CompareExchange(ref firstFailure, e, null);
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (firstFailure is not null && !cancellationToken.IsCancellationRequested)
        {
            // The other units were stopped because one failed; the failure is reported below.
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (firstFailure is not null)
        {
            throw new GenerateOfflineMapException($"A layer could not go offline and continue-on-errors is off: {firstFailure.Message}", firstFailure);
        }
        return (outcomes, failures);
    }

    /// <summary>Removes a failed unit's file and unregisters its replica, so the package holds only what succeeded.</summary>
    private static async Task CleanUpUnitAsync(JobContext context, string unitKey, string relativeFile)
    {
        var path = Path.Combine(context.PackageDirectory, relativeFile.Replace('/', Path.DirectorySeparatorChar));
        foreach (var candidate in new[] { path, path + "-journal", path + "-wal", path + "-shm", Path.ChangeExtension(path, ".style.json") })
        {
            TryDeleteFile(candidate);
        }
        var resources = Path.ChangeExtension(path, ".resources");
        if (Directory.Exists(resources))
        {
            TryDeleteDirectory(resources);
        }
        foreach (var replica in context.Replicas.All.Where(r => string.Equals(OfflinePlanner.ServiceKey(r.ServiceUrl), unitKey, StringComparison.OrdinalIgnoreCase)))
        {
            await UnregisterAsync(context, replica).ConfigureAwait(false);
        }
    }

    private async Task<GenerateOfflineMapResult> FinishPackageAsync(OfflinePlan plan, JobContext context, List<UnitOutcome> outcomes,
        Dictionary<string, string> failures, string temporary, CancellationToken cancellationToken)
    {
        var services = _task.Services;
        var locations = new Dictionary<string, OfflineLayerLocation>(StringComparer.Ordinal);
        foreach (var unit in plan.FeatureUnits)
        {
            var outcome = outcomes.FirstOrDefault(o => o.UnitKey == OfflinePlanner.ServiceKey(unit.ServiceUrl));
            if (outcome is null)
            {
                continue;
            }
            foreach (var layer in outcome.Layers.Where(l => l.MapLayerId is not null))
            {
                locations[layer.MapLayerId!] = new OfflineLayerLocation("featureTable", outcome.File, layer.Table)
                {
                    ServiceUrl = OfflinePlanner.ServiceKey(unit.ServiceUrl),
                    ServiceLayerId = layer.ServiceLayerId,
                    Sync = outcome.Replica is not null,
                    ReplicaId = outcome.Replica?.ReplicaId,
                };
            }
        }
        foreach (var unit in plan.TileUnits)
        {
            if (outcomes.FirstOrDefault(o => o.UnitKey == unit.Layer.Id) is { } outcome)
            {
                locations[unit.Layer.Id] = new OfflineLayerLocation("tileCache", outcome.File, outcome.Layers[0].Table) { Levels = outcome.Layers[0].Levels };
            }
        }
        foreach (var unit in plan.VectorTileUnits)
        {
            if (outcomes.FirstOrDefault(o => o.UnitKey == unit.Layer.Id) is { } outcome)
            {
                locations[unit.Layer.Id] = new OfflineLayerLocation("vectorTiles", outcome.File, null)
                {
                    Style = Path.ChangeExtension(outcome.File, ".style.json"),
                    ServiceUrl = unit.ServiceUrl.OriginalString,
                    Levels = outcome.Layers[0].Levels,
                };
            }
        }
        var errors = plan.Layers.Where(l => l.Status == PlannedStatus.Failed).ToDictionary(l => l.Id, l => l.Reason, StringComparer.Ordinal);
        foreach (var (id, message) in failures)
        {
            errors[id] = message;
        }

        var mapJson = OfflineMapJsonWriter.Write(_task.WebMap, plan, locations, errors.Keys.ToHashSet(StringComparer.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(temporary, OfflineMapJsonWriter.FileName), mapJson, cancellationToken).ConfigureAwait(false);
        var itemInfo = Parameters.ItemInfo ?? await _task.ItemInfoAsync(cancellationToken).ConfigureAwait(false);
        await PackageThumbnail.WriteAsync(Path.Combine(temporary, PackageThumbnail.FileName), itemInfo.Thumbnail,
            plan.Area.ToEsriPolygon(SpatialReference.Wgs84), cancellationToken).ConfigureAwait(false);
        TryDeleteDirectory(context.WorkDirectory);
        if (Directory.Exists(context.WorkDirectory))
        {
            throw new GenerateOfflineMapException($"The work folder {context.WorkDirectory} could not be removed.");
        }
        foreach (var empty in new[] { "data", "tiles" }.Select(d => Path.Combine(temporary, d)).Where(d => !Directory.EnumerateFileSystemEntries(d).Any()))
        {
            Directory.Delete(empty);
        }

        var manifest = new PackageManifest
        {
            Item = new PackageItemInfo { Title = itemInfo.Title, Snippet = itemInfo.Snippet, Description = itemInfo.Description, Tags = itemInfo.Tags },
            Source = new PackageSource { PortalUrl = _task.PortalUrl.OriginalString, WebMapId = _task.ItemId },
            CreatedUtc = services.Time.GetUtcNow(),
            CreatedBy = _createdBy,
            AreaOfInterest = JsonDocument.Parse(GeoJson.ToJson(plan.Area.ToEsriPolygon(SpatialReference.Wgs84))).RootElement.Clone(),
            Parameters = ParametersElement(plan),
            Layers = ManifestLayers(plan, outcomes, errors),
            Replicas = outcomes.Select(o => o.Replica).OfType<PackageReplica>().ToList(),
        };
        manifest = await services.ManifestWriter.WriteAsync(temporary, manifest, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        if (Directory.Exists(DownloadDirectory))
        {
            // Checked empty at the start; anything that appeared since is not ours to remove.
            Directory.Delete(DownloadDirectory, recursive: false);
        }
        Directory.Move(temporary, DownloadDirectory);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"The package is ready at {DownloadDirectory}: {manifest.Files.Count} files, {manifest.Files.Sum(f => f.Bytes):N0} bytes{(errors.Count > 0 ? $", {errors.Count} layers failed" : "")}."));
        var layerErrors = new Dictionary<string, LayerError>(StringComparer.Ordinal);
        var tableErrors = new Dictionary<string, LayerError>(StringComparer.Ordinal);
        foreach (var layer in plan.Layers.Where(l => errors.ContainsKey(l.Id)))
        {
            (layer.IsTable ? tableErrors : layerErrors)[layer.Id] = new LayerError(layer.Id, layer.Title, errors[layer.Id]);
        }
        return new GenerateOfflineMapResult(DownloadDirectory, layerErrors, tableErrors) { Manifest = manifest, Messages = context.Log.Messages };
    }

    private JsonElement ParametersElement(OfflinePlan plan)
    {
        var parameters = plan.Parameters with
        {
            ItemInfo = plan.Parameters.ItemInfo is { } info ? info with { Thumbnail = null } : null,
        };
        var json = $"{{\"parameters\":{OfflineJson.Serialize(parameters)},\"overrides\":{OfflineJson.Serialize(plan.Overrides)}}}";
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static List<PackageLayerEntry> ManifestLayers(OfflinePlan plan, List<UnitOutcome> outcomes, Dictionary<string, string> errors)
    {
        var byLayer = new Dictionary<string, (UnitOutcome Unit, LayerOutcome Layer)>(StringComparer.Ordinal);
        foreach (var unit in outcomes)
        {
            foreach (var layer in unit.Layers.Where(l => l.MapLayerId is not null))
            {
                byLayer[layer.MapLayerId!] = (unit, layer);
            }
        }
        return plan.Layers.Select(layer =>
        {
            var a = layer.Analysis;
            var kind = a.Kind.ToManifestName();
            var role = a.Layer.Role switch
            {
                WebMaps.WebMapLayerRole.Table => "table",
                WebMaps.WebMapLayerRole.Basemap => "basemap",
                WebMaps.WebMapLayerRole.BasemapReference => "basemap-reference",
                _ => "operational",
            };
            if (errors.TryGetValue(layer.Id, out var error))
            {
                return new PackageLayerEntry { Id = layer.Id, Title = layer.Title, Kind = kind, Role = role, Status = PackageLayerStatus.Failed, Error = error };
            }
            if (layer.Status == PlannedStatus.Offline && byLayer.TryGetValue(layer.Id, out var done))
            {
                return new PackageLayerEntry
                {
                    Id = layer.Id,
                    Title = layer.Title,
                    Kind = kind,
                    Role = role,
                    Status = PackageLayerStatus.Offline,
                    File = done.Unit.File,
                    Table = done.Layer.Table,
                    FeatureCount = a.Kind is OfflineLayerKind.FeatureLayer or OfflineLayerKind.Table ? done.Layer.Count : null,
                    TileCount = a.Kind is OfflineLayerKind.TiledLayer or OfflineLayerKind.VectorTileLayer ? done.Layer.Count : null,
                    AttachmentCount = done.Layer.Attachments > 0 ? done.Layer.Attachments : null,
                    Bytes = done.Layer.Bytes,
                };
            }
            return new PackageLayerEntry
            {
                Id = layer.Id,
                Title = layer.Title,
                Kind = kind,
                Role = role,
                Status = layer.Status switch
                {
                    PlannedStatus.OnlineOnly => PackageLayerStatus.OnlineOnly,
                    PlannedStatus.Offline => PackageLayerStatus.Offline,
                    _ => PackageLayerStatus.Omitted,
                },
                Reason = layer.Status == PlannedStatus.Offline ? null : layer.Reason,
            };
        }).ToList();
    }

    private static async Task UnregisterAsync(JobContext context)
    {
        foreach (var replica in context.Replicas.All)
        {
            await UnregisterAsync(context, replica).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Unregisters a replica the job registered (best effort, logged). When the job stopped before the server said
    /// the replica's id, it is looked up by its unique name in the service's replica list.
    /// </summary>
    private static async Task UnregisterAsync(JobContext context, RegisteredReplica replica)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var id = replica.ReplicaId;
            if (id is null)
            {
                // The createReplica job may still be registering it: look a few times.
                for (var attempt = 0; attempt < 5 && id is null; attempt++)
                {
                    var list = await context.Features.GetReplicasAsync(replica.ServiceUrl, context.Credential, timeout.Token).ConfigureAwait(false);
                    id = list.FirstOrDefault(r => string.Equals(r.ReplicaName, replica.ReplicaName, StringComparison.OrdinalIgnoreCase))?.ReplicaId;
                    if (id is null && attempt < 4)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)), context.Time, timeout.Token).ConfigureAwait(false);
                    }
                }
            }
            if (id is null)
            {
                context.Log.Info($"No replica named {replica.ReplicaName} is registered on {ArcGisUrl.Redact(replica.ServiceUrl)}; nothing to unregister.");
            }
            else
            {
                await context.Features.UnregisterReplicaAsync(replica.ServiceUrl, id, context.Credential, timeout.Token).ConfigureAwait(false);
                context.Log.Info($"Unregistered replica {id} ({replica.ReplicaName}) on {ArcGisUrl.Redact(replica.ServiceUrl)}.");
            }
            context.Replicas.Forget(replica.ServiceUrl, replica.ReplicaName);
        }
        catch (Exception e) when (e is ArcGisException or OperationCanceledException or HttpRequestException)
        {
            context.Log.Warning($"Replica {replica.ReplicaId ?? replica.ReplicaName} on {ArcGisUrl.Redact(replica.ServiceUrl)} could not be unregistered ({e.Message}); "
                + "unregister it on the service to free its resources.");
        }
    }

    private static void DeleteDirectory(string path, JobLog log)
    {
        for (var attempt = 0; attempt < 5 && Directory.Exists(path); attempt++)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TryDeleteDirectory(path);
        }
        if (Directory.Exists(path))
        {
            log.Warning($"The temporary folder {path} could not be removed; delete it by hand.");
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
