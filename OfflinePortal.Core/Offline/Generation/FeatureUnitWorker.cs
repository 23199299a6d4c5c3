using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Replicas;
using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Takes one feature service offline into one GeoPackage: a replica (createReplica, asynchronous when the service can,
/// JSON by URL; the file is downloaded to the work folder, so a dropped connection restarts it, and then streamed
/// into the GeoPackage with <see cref="ReplicaJsonReader"/>), or, for a service that is not sync-enabled, a read-only
/// snapshot made of paged queries. Attachments given by URL are downloaded concurrently within the job's limit and
/// written one at a time.
/// </summary>
internal sealed class FeatureUnitWorker(JobContext context, FeatureUnit unit, string fileStem)
{
    private const int ProgressEvery = 500;
    private readonly Dictionary<int, GeoPackageLayer> _tables = [];
    private readonly Dictionary<int, long> _counts = [];
    private readonly Dictionary<int, long> _attachments = [];
    private readonly Dictionary<int, LayerInfo> _infos = [];

    // GlobalIDs of rows without geometry that the replica itself brought, by layer: the extra query skips them.
    private readonly Dictionary<int, HashSet<string>> _nullGeometryInReplica = [];

    public string RelativePath => "data/" + fileStem + ".gpkg";

    private string FullPath => Path.Combine(context.PackageDirectory, "data", fileStem + ".gpkg");

    private string Key => OfflinePlanner.ServiceKey(unit.ServiceUrl);

    public async Task<UnitOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var spatialReference = unit.Service.SpatialReference ?? unit.Layers.Select(l => l.Info.SpatialReference).FirstOrDefault(s => s is not null)
            ?? SpatialReference.WebMercator;
        foreach (var layer in unit.Layers)
        {
            // Geometries arrive in the replica's (or query's) spatial reference, which the GeoPackage table then declares.
            _infos[layer.LayerId] = layer.Info with { SpatialReference = layer.Info.SpatialReference ?? spatialReference };
        }
        return unit.IsSnapshot
            ? await SnapshotAsync(cancellationToken).ConfigureAwait(false)
            : await ReplicaAsync(spatialReference, cancellationToken).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ replica

    private async Task<UnitOutcome> ReplicaAsync(SpatialReference spatialReference, CancellationToken cancellationToken)
    {
        var p = unit.Parameters;
        var capabilities = unit.Service.SyncCapabilities;
        var emulateNone = p.SyncModel == SyncModel.None && !capabilities.SupportsSyncModelNone;
        var wireModel = p.SyncModel switch
        {
            SyncModel.Geodatabase => ReplicaSyncModel.PerReplica,
            SyncModel.Layer => ReplicaSyncModel.PerLayer,
            _ when emulateNone => capabilities.SupportsPerLayerSync || !capabilities.SupportsPerReplicaSync ? ReplicaSyncModel.PerLayer : ReplicaSyncModel.PerReplica,
            _ => ReplicaSyncModel.None,
        };
        var trackChanges = p.SyncModel != SyncModel.None;
        AttachmentsSyncDirection? attachmentDirection = wireModel == ReplicaSyncModel.None ? null
            : !trackChanges ? (p.ReturnAttachments ? AttachmentsSyncDirection.Bidirectional : AttachmentsSyncDirection.None)
            : p.AttachmentSyncDirection switch
            {
                AttachmentSyncDirection.Upload => AttachmentsSyncDirection.Upload,
                AttachmentSyncDirection.Bidirectional => AttachmentsSyncDirection.Bidirectional,
                _ => AttachmentsSyncDirection.None,
            };
        var replicaName = $"{context.Options.ReplicaNamePrefix}_{PackageNames.ToFileStem(unit.Title).Replace('-', '_')}_{context.JobId}";
        var request = new CreateReplicaParameters
        {
            Layers = unit.Layers.Select(l => l.LayerId).ToList(),
            LayerQueries = unit.Layers.ToDictionary(l => l.LayerId, l => new ReplicaLayerQuery
            {
                QueryOption = l.Option.QueryOption switch
                {
                    GenerateLayerQueryOption.All => LayerQueryOption.All,
                    GenerateLayerQueryOption.None => LayerQueryOption.None,
                    _ => LayerQueryOption.UseFilter,
                },
                Where = l.Option.QueryOption == GenerateLayerQueryOption.UseFilter && !string.IsNullOrWhiteSpace(l.Option.WhereClause) ? l.Option.WhereClause : null,
                UseGeometry = l.Option.UseGeometry,
                IncludeRelated = l.Option.IncludeRelated,
            }),
            Geometry = unit.Extent,
            ReplicaSpatialReference = spatialReference,
            TransportType = ReplicaTransportType.Url,
            ReturnAttachments = p.ReturnAttachments,
            ReturnAttachmentsDataByUrl = context.Options.AttachmentsByUrl,
            AttachmentsSyncDirection = attachmentDirection,
            SyncModel = wireModel,
            SyncDataOptions = wireModel == ReplicaSyncModel.None ? null : context.SyncDataOptions,
            ReplicaName = replicaName,
            Async = capabilities.SupportsAsync,
        };
        context.Log.Info($"{unit.Title}: createReplica (layers {string.Join(", ", request.Layers)}; sync model {WireName(wireModel)}; attachments "
            + $"{(p.ReturnAttachments ? "returned" : "not returned")}, attachment sync {WireName(attachmentDirection)}).");
        SetStep("creating replica", 0.02);

        var registered = wireModel != ReplicaSyncModel.None;
        if (registered)
        {
            // Known by name before the server answers: a job cancelled now can still find and unregister it.
            context.Replicas.Register(unit.ServiceUrl, replicaName, null);
        }
        ReplicaSubmission submission;
        try
        {
            submission = await context.Features.StartCreateReplicaAsync(unit.ServiceUrl, request, context.Credential, cancellationToken).ConfigureAwait(false);
        }
        catch (ArcGisServiceException)
        {
            // The service answered with an error: it registered nothing.
            context.Replicas.Forget(unit.ServiceUrl, replicaName);
            throw;
        }
        ReplicaResult result;
        if (submission.StatusUrl is { } statusUrl)
        {
            var statusProgress = new SyncProgress<ReplicaJobStatus>(status =>
            {
                if (registered && status.ReplicaId is { } id)
                {
                    context.Replicas.Register(unit.ServiceUrl, replicaName, id);
                }
                SetStep($"creating replica ({status.Status})", 0.1);
            });
            result = await context.Features.WaitForReplicaJobAsync(statusUrl, context.Credential, statusProgress, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            result = submission.Result!;
        }
        if (registered && result.ReplicaId is { } replicaId)
        {
            context.Replicas.Register(unit.ServiceUrl, replicaName, replicaId);
        }
        if (!result.HasData || result.ResultUrl is null)
        {
            throw new UnitFailedException($"{unit.Title}: createReplica finished without a data file (response type {result.ResponseType ?? "none"}).");
        }

        SetStep("downloading replica", 0.3);
        var replicaFile = Path.Combine(context.WorkDirectory, fileStem + ".replica.json");
        await using var file = new FileStream(replicaFile, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        var bytes = await context.Features.DownloadReplicaResultAsync(result.ResultUrl, file, context.Credential, cancellationToken).ConfigureAwait(false);
        context.Progress.AddBytes(bytes);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture, $"{unit.Title}: replica file downloaded ({bytes:N0} bytes)."));
        if (emulateNone && result.ReplicaId is { } temporary)
        {
            // The service cannot export without registering: the copy was registered only to be downloaded.
            await context.Features.UnregisterReplicaAsync(unit.ServiceUrl, temporary, context.Credential, cancellationToken).ConfigureAwait(false);
            context.Replicas.Forget(unit.ServiceUrl, replicaName);
            context.Log.Info($"{unit.Title}: the service cannot export without registering a replica (no syncModel none); replica {temporary} was unregistered after the download.");
        }

        SetStep("writing features", 0.4);
        file.Position = 0;
        await using var writer = FeatureGeoPackageWriter.Create(FullPath, new FeatureGeoPackageOptions { TrackChanges = trackChanges });
        await AddLayersAsync(writer, cancellationToken).ConfigureAwait(false);
        var pending = new List<PendingAttachment>();
        ReplicaHeader header;
        await using (var reader = new ReplicaJsonReader(file, new ReplicaJsonReaderOptions
        {
            LeaveOpen = true,
            TemporaryDirectory = context.WorkDirectory,
            SourceName = $"The replica file of {unit.Title}",
        }))
        {
            header = await StreamReplicaAsync(reader, writer, pending, bytes, cancellationToken).ConfigureAwait(false);
        }
        await WriteNullGeometryBesideReplicaAsync(writer, pending, cancellationToken).ConfigureAwait(false);
        await WriteAttachmentsAsync(writer, pending, cancellationToken).ConfigureAwait(false);
        await AddRelationshipsAsync(writer, cancellationToken).ConfigureAwait(false);

        PackageReplica? replica = null;
        if (trackChanges)
        {
            var id = result.ReplicaId ?? header.ReplicaId
                ?? throw new UnitFailedException($"{unit.Title}: the service registered a replica but did not say its id.");
            replica = new PackageReplica
            {
                ServiceUrl = Key,
                ReplicaId = id,
                ReplicaName = result.ReplicaName ?? header.ReplicaName ?? replicaName,
                SyncModel = WireName(wireModel),
                SyncDirection = unit.IsEditable ? "bidirectional" : "download",
                AttachmentSyncDirection = WireName(attachmentDirection),
                ReplicaServerGen = header.ReplicaServerGen ?? result.ReplicaServerGen,
                LayerServerGens = (header.LayerServerGens.Count > 0 ? header.LayerServerGens : result.LayerServerGens)
                    .Select(g => new Packaging.LayerServerGen(g.LayerId, g.ServerGen)).ToList(),
                File = RelativePath,
                LastSync = context.Time.GetUtcNow(),
            };
            await writer.SetReplicaAsync(replica, cancellationToken).ConfigureAwait(false);
        }
        return await FinishAsync(writer, replica, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The rows without geometry of the layers whose option asks for them (a replica's extent leaves them out), with
    /// their attachments and, for related-only tables, their related rows.
    /// </summary>
    private async Task WriteNullGeometryBesideReplicaAsync(FeatureGeoPackageWriter writer, List<PendingAttachment> pending, CancellationToken cancellationToken)
    {
        var relatedOnly = RelatedOnlyLayers();
        var keys = RelatedKeys(relatedOnly);
        var queried = false;
        foreach (var layer in unit.Layers)
        {
            var objectIds = AttachmentObjectIds(layer);
            queried |= await WriteNullGeometryRowsAsync(writer, layer, LayerKeys(keys, layer), objectIds, cancellationToken).ConfigureAwait(false);
            if (objectIds is { Count: > 0 })
            {
                await CollectAttachmentsAsync(layer, objectIds, pending, cancellationToken).ConfigureAwait(false);
            }
        }
        if (queried)
        {
            foreach (var destination in relatedOnly)
            {
                await WriteRelatedRowsAsync(writer, destination, keys, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes a layer's rows without geometry when its option asks for them; false when it does not.</summary>
    private async Task<bool> WriteNullGeometryRowsAsync(FeatureGeoPackageWriter writer, FeatureUnitLayer layer, List<(string Field, HashSet<string> Values)> keys,
        List<long>? objectIds, CancellationToken cancellationToken)
    {
        var info = _infos[layer.LayerId];
        if (LayerQueries.ForNullGeometry(layer.Option, info) is not { } query)
        {
            return false;
        }
        SetStep("querying features without geometry", null);
        var features = context.Features.QueryAllAsync(LayerQueries.LayerUrl(unit, layer.LayerId), query, info, context.Credential, cancellationToken);
        var already = _nullGeometryInReplica.GetValueOrDefault(layer.LayerId);
        await writer.WriteFeaturesAsync(_tables[layer.LayerId],
            Observe(WithoutGeometry(features, info, already, cancellationToken), layer.LayerId, info, keys, objectIds, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return true;
    }

    private static async IAsyncEnumerable<EsriFeature> WithoutGeometry(IAsyncEnumerable<EsriFeature> features, LayerInfo info, HashSet<string>? already,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var feature in features.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (HasNoGeometry(feature) && !(already is not null && GlobalIdOf(feature, info) is { } id && already.Contains(id)))
            {
                yield return feature;
            }
        }
    }

    private static bool HasNoGeometry(EsriFeature feature) => feature.Geometry is null || feature.Geometry.IsEmpty;

    private static string? GlobalIdOf(EsriFeature feature, LayerInfo info) =>
        info.GlobalIdField is { } field && feature.GetAttribute(field) is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    private List<FeatureUnitLayer> RelatedOnlyLayers() =>
        unit.Layers.Where(l => l.Option.QueryOption == GenerateLayerQueryOption.None && l.Option.IncludeRelated).ToList();

    /// <summary>Empty sets for the key fields of every origin of the related-only tables, filled as origin rows are written.</summary>
    private Dictionary<(int Layer, string Field), HashSet<string>> RelatedKeys(List<FeatureUnitLayer> relatedOnly)
    {
        var keys = new Dictionary<(int Layer, string Field), HashSet<string>>();
        foreach (var destination in relatedOnly)
        {
            foreach (var origin in unit.Layers)
            {
                foreach (var rel in origin.Info.Relationships.Where(r => r.IsOrigin && r.RelatedTableId == destination.LayerId && r.KeyField is not null))
                {
                    keys[(origin.LayerId, rel.KeyField!)] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                }
            }
        }
        return keys;
    }

    private static List<(string Field, HashSet<string> Values)> LayerKeys(Dictionary<(int Layer, string Field), HashSet<string>> keys, FeatureUnitLayer layer) =>
        keys.Where(k => k.Key.Layer == layer.LayerId).Select(k => (k.Key.Field, k.Value)).ToList();

    private List<long>? AttachmentObjectIds(FeatureUnitLayer layer) =>
        unit.Parameters.ReturnAttachments && _tables[layer.LayerId].AttachmentTable is not null ? [] : null;

    private async Task<ReplicaHeader> StreamReplicaAsync(ReplicaJsonReader reader, FeatureGeoPackageWriter writer, List<PendingAttachment> pending, long fileBytes,
        CancellationToken cancellationToken)
    {
        await using var cursor = new ItemCursor(reader.ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken));
        var more = await cursor.MoveNextAsync().ConfigureAwait(false);
        ReplicaHeader? header = null;
        while (more)
        {
            switch (cursor.Current)
            {
                case ReplicaFeature feature:
                    if (!_tables.TryGetValue(feature.LayerId, out var table))
                    {
                        throw new UnitFailedException(string.Create(CultureInfo.InvariantCulture,
                            $"{unit.Title}: the replica holds layer {feature.LayerId}, which was not asked for."));
                    }
                    await writer.WriteFeaturesAsync(table, FeaturesOf(cursor, feature.LayerId, reader, fileBytes, cancellationToken), cancellationToken).ConfigureAwait(false);
                    more = cursor.HasCurrent;
                    continue;
                case ReplicaAttachment attachment when _tables.TryGetValue(attachment.LayerId, out var owner) && owner.AttachmentTable is not null:
                    var described = Describe(attachment);
                    if (attachment.HasData)
                    {
                        await using var data = attachment.OpenData();
                        await writer.AddAttachmentAsync(owner, described, data, attachment.DataLength, cancellationToken).ConfigureAwait(false);
                        CountAttachment(attachment.LayerId, attachment.DataLength);
                    }
                    else if (attachment.Url is { } url && Uri.TryCreate(unit.ServiceUrl, url, out var absolute))
                    {
                        pending.Add(new PendingAttachment(owner, described, absolute));
                    }
                    break;
                case ReplicaCompleted completed:
                    header = completed.Header;
                    break;
            }
            more = await cursor.MoveNextAsync().ConfigureAwait(false);
        }
        return header ?? reader.Header;
    }

    /// <summary>The features of one layer, pulled from the shared cursor until an item of another kind or layer comes.</summary>
    private async IAsyncEnumerable<EsriFeature> FeaturesOf(ItemCursor cursor, int layerId, ReplicaJsonReader reader, long fileBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = 0;
        do
        {
            if (cursor.Current is not ReplicaFeature feature || feature.LayerId != layerId)
            {
                break;
            }
            if (HasNoGeometry(feature.Feature) && LayerQueries.ForNullGeometry(OptionOf(layerId), _infos[layerId]) is not null
                && GlobalIdOf(feature.Feature, _infos[layerId]) is { } globalId)
            {
                if (!_nullGeometryInReplica.TryGetValue(layerId, out var seen))
                {
                    _nullGeometryInReplica[layerId] = seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                }
                seen.Add(globalId);
            }
            yield return feature.Feature;
            if (++batch == ProgressEvery)
            {
                ReportRows(layerId, batch, fileBytes == 0 ? 0 : (double)reader.BytesConsumed / fileBytes);
                batch = 0;
            }
        }
        while (await cursor.MoveNextAsync().ConfigureAwait(false));
        ReportRows(layerId, batch, fileBytes == 0 ? 0 : (double)reader.BytesConsumed / fileBytes);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static PackageAttachment Describe(ReplicaAttachment a) => new()
    {
        AttachmentId = a.Id,
        GlobalId = a.GlobalId,
        ParentGlobalId = a.ParentGlobalId,
        Name = string.IsNullOrWhiteSpace(a.Name) ? "attachment" : a.Name,
        ContentType = string.IsNullOrWhiteSpace(a.ContentType) ? "application/octet-stream" : a.ContentType,
    };

    // ------------------------------------------------------------------ snapshot

    private async Task<UnitOutcome> SnapshotAsync(CancellationToken cancellationToken)
    {
        context.Log.Info($"{unit.Title} is not sync-enabled: taking a read-only snapshot by queries (layers {string.Join(", ", unit.Layers.Select(l => l.LayerId))}).");
        SetStep("querying features", 0.05);
        await using var writer = FeatureGeoPackageWriter.Create(FullPath, new FeatureGeoPackageOptions { TrackChanges = false });
        await AddLayersAsync(writer, cancellationToken).ConfigureAwait(false);
        var relatedOnly = RelatedOnlyLayers();
        var keys = RelatedKeys(relatedOnly);
        var pending = new List<PendingAttachment>();
        var done = 0;
        foreach (var layer in unit.Layers)
        {
            if (LayerQueries.For(unit, layer.Option) is not { } query)
            {
                continue;
            }
            var info = _infos[layer.LayerId];
            var layerKeys = LayerKeys(keys, layer);
            var objectIds = AttachmentObjectIds(layer);
            var features = context.Features.QueryAllAsync(LayerQueries.LayerUrl(unit, layer.LayerId), query with { OutSpatialReference = info.SpatialReference },
                info, context.Credential, cancellationToken);
            await writer.WriteFeaturesAsync(_tables[layer.LayerId], Observe(features, layer.LayerId, info, layerKeys, objectIds, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            await WriteNullGeometryRowsAsync(writer, layer, layerKeys, objectIds, cancellationToken).ConfigureAwait(false);
            if (objectIds is { Count: > 0 })
            {
                await CollectAttachmentsAsync(layer, objectIds, pending, cancellationToken).ConfigureAwait(false);
            }
            SetFraction(0.1 + (0.6 * ++done / unit.Layers.Count));
        }
        foreach (var destination in relatedOnly)
        {
            await WriteRelatedRowsAsync(writer, destination, keys, cancellationToken).ConfigureAwait(false);
        }
        await WriteAttachmentsAsync(writer, pending, cancellationToken).ConfigureAwait(false);
        await AddRelationshipsAsync(writer, cancellationToken).ConfigureAwait(false);
        return await FinishAsync(writer, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Passes query results to the writer, noting object ids (for attachments) and relationship keys on the way.</summary>
    private async IAsyncEnumerable<EsriFeature> Observe(IAsyncEnumerable<EsriFeature> features, int layerId, LayerInfo info,
        List<(string Field, HashSet<string> Values)> keys, List<long>? objectIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = 0;
        await foreach (var feature in features.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (objectIds is not null && Convert.ToInt64(feature.GetAttribute(info.ObjectIdField), CultureInfo.InvariantCulture) is var oid)
            {
                objectIds.Add(oid);
            }
            foreach (var (field, values) in keys)
            {
                if (feature.GetAttribute(field) is { } key)
                {
                    values.Add(Convert.ToString(key, CultureInfo.InvariantCulture)!);
                }
            }
            yield return feature;
            if (++batch == ProgressEvery)
            {
                ReportRows(layerId, batch, null);
                batch = 0;
            }
        }
        ReportRows(layerId, batch, null);
    }

    /// <summary>A snapshot's destination rows related to the origin rows it took, by key, a few hundred keys per query.</summary>
    private async Task WriteRelatedRowsAsync(FeatureGeoPackageWriter writer, FeatureUnitLayer destination, Dictionary<(int Layer, string Field), HashSet<string>> keys,
        CancellationToken cancellationToken)
    {
        var info = _infos[destination.LayerId];
        var layerUrl = LayerQueries.LayerUrl(unit, destination.LayerId);
        foreach (var origin in unit.Layers)
        {
            foreach (var rel in origin.Info.Relationships.Where(r => r.IsOrigin && r.RelatedTableId == destination.LayerId && r.KeyField is not null))
            {
                var back = info.Relationships.FirstOrDefault(r => r.Id == rel.Id && !r.IsOrigin);
                if (back?.KeyField is not { } foreignKey || !keys.TryGetValue((origin.LayerId, rel.KeyField!), out var values) || values.Count == 0)
                {
                    continue;
                }
                var field = info.FindField(foreignKey);
                var numeric = field?.Type is EsriFieldType.Integer or EsriFieldType.SmallInteger or EsriFieldType.BigInteger or EsriFieldType.Double
                    or EsriFieldType.Single or EsriFieldType.OID;
                foreach (var chunk in values.Chunk(200))
                {
                    var list = string.Join(",", chunk.Select(v => numeric ? v : "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"));
                    var query = new FeatureQuery { Where = $"{foreignKey} IN ({list})", OutSpatialReference = info.SpatialReference };
                    var features = context.Features.QueryAllAsync(layerUrl, query, info, context.Credential, cancellationToken);
                    await writer.WriteFeaturesAsync(_tables[destination.LayerId], Observe(features, destination.LayerId, info, [], null, cancellationToken), cancellationToken)
                        .ConfigureAwait(false);
                }
            }
        }
    }

    private async Task CollectAttachmentsAsync(FeatureUnitLayer layer, List<long> objectIds, List<PendingAttachment> pending, CancellationToken cancellationToken)
    {
        var info = _infos[layer.LayerId];
        var layerUrl = LayerQueries.LayerUrl(unit, layer.LayerId);
        var table = _tables[layer.LayerId];
        SetStep("listing attachments", null);
        foreach (var chunk in objectIds.Chunk(100))
        {
            IEnumerable<(long Oid, string? ParentGlobalId, AttachmentInfo Info)> found;
            if (info.SupportsQueryAttachments)
            {
                var groups = await context.Features.QueryAttachmentsAsync(layerUrl, chunk, context.Credential, cancellationToken).ConfigureAwait(false);
                found = groups.SelectMany(g => g.Attachments.Select(a => (g.ParentObjectId, g.ParentGlobalId, a)));
            }
            else
            {
                var list = new List<(long, string?, AttachmentInfo)>();
                foreach (var oid in chunk)
                {
                    var infos = await context.Features.GetAttachmentsAsync(layerUrl, oid, context.Credential, cancellationToken).ConfigureAwait(false);
                    list.AddRange(infos.Select(a => (oid, a.ParentGlobalId, a)));
                }
                found = list;
            }
            foreach (var (oid, parentGlobalId, a) in found)
            {
                pending.Add(new PendingAttachment(table, new PackageAttachment
                {
                    AttachmentId = a.Id,
                    GlobalId = a.GlobalId,
                    ParentGlobalId = parentGlobalId ?? a.ParentGlobalId,
                    ParentObjectId = oid,
                    Name = string.IsNullOrWhiteSpace(a.Name) ? "attachment" : a.Name,
                    ContentType = string.IsNullOrWhiteSpace(a.ContentType) ? "application/octet-stream" : a.ContentType,
                    Keywords = a.Keywords,
                }, ArcGisUrl.Append(layerUrl, string.Create(CultureInfo.InvariantCulture, $"{oid}/attachments/{a.Id}"))));
            }
        }
    }

    // ------------------------------------------------------------------ shared

    private async Task AddLayersAsync(FeatureGeoPackageWriter writer, CancellationToken cancellationToken)
    {
        foreach (var layer in unit.Layers)
        {
            _tables[layer.LayerId] = await writer.AddLayerAsync(_infos[layer.LayerId], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AddRelationshipsAsync(FeatureGeoPackageWriter writer, CancellationToken cancellationToken)
    {
        foreach (var relationship in RelationshipClass.FromLayers(_infos.Values))
        {
            await writer.AddRelationshipAsync(relationship, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Downloads attachments given by URL, a few at a time (the job's limit over all services), each into a work file,
    /// and writes them into the GeoPackage one after the other as they arrive. A missing attachment (404) is logged and
    /// skipped; any other failure fails the unit.
    /// </summary>
    private async Task WriteAttachmentsAsync(FeatureGeoPackageWriter writer, List<PendingAttachment> pending, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }
        SetStep(string.Create(CultureInfo.InvariantCulture, $"downloading {pending.Count:N0} attachments"), 0.8);
        var limit = context.Options.MaxConcurrentAttachmentDownloads;
        var channel = Channel.CreateBounded<(PendingAttachment Attachment, string Path, long Length)>(new BoundedChannelOptions(limit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var missing = 0;
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = limit, CancellationToken = linked.Token }, async (item, token) =>
                {
                    var path = Path.Combine(context.WorkDirectory, "attachment-" + Guid.NewGuid().ToString("N"));
                    long length;
                    await context.AttachmentGate.WaitAsync(token).ConfigureAwait(false);
                    try
                    {
                        await using var download = await context.Features.OpenUrlAsync(item.Url, context.Credential, token).ConfigureAwait(false);
                        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                        await download.Content.CopyToAsync(target, token).ConfigureAwait(false);
                        length = target.Length;
                    }
                    catch (ArcGisServiceException e) when (e.IsNotFound)
                    {
                        Interlocked.Increment(ref missing);
                        context.Log.Warning($"{unit.Title}: attachment '{item.Attachment.Name}' is missing on the server ({ArcGisUrl.Redact(item.Url)}); skipped.");
                        TryDelete(path);
                        return;
                    }
                    catch
                    {
                        TryDelete(path);
                        throw;
                    }
                    finally
                    {
                        context.AttachmentGate.Release();
                    }
                    context.Progress.AddBytes(length);
                    await channel.Writer.WriteAsync((item, path, length), token).ConfigureAwait(false);
                }).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        var written = 0;
        try
        {
            await foreach (var (item, path, length) in channel.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                try
                {
                    await using var data = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await writer.AddAttachmentAsync(item.Table, item.Attachment, data, length, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    TryDelete(path);
                }
                CountAttachment(item.Table.LayerId, length);
                SetFraction(0.8 + (0.15 * ++written / pending.Count));
            }
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
            while (channel.Reader.TryRead(out var left))
            {
                TryDelete(left.Path);
            }
        }
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"{unit.Title}: {written:N0} attachments downloaded{(missing > 0 ? $", {missing:N0} missing on the server" : "")}."));
    }

    private async Task<UnitOutcome> FinishAsync(FeatureGeoPackageWriter writer, PackageReplica? replica, CancellationToken cancellationToken)
    {
        SetStep("finishing GeoPackage", 0.95);
        // The indexes of a large layer take a while: the log shows where the time goes.
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"{unit.Title}: {_counts.Values.Sum():N0} rows loaded; building the spatial and GlobalID indexes."));
        var summary = await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        var tableBytes = GeoPackageTableSizes.Read(summary.Path, _tables.Values);
        var layers = summary.Tables.Select(t =>
        {
            var layer = unit.Layers.First(l => l.LayerId == t.LayerId);
            return new LayerOutcome(layer.MapLayer?.Id, t.LayerId, t.TableName, t.FeatureCount, tableBytes.GetValueOrDefault(t.LayerId))
            {
                Attachments = t.AttachmentCount,
            };
        }).ToList();
        foreach (var layer in layers.Where(l => l.MapLayerId is not null))
        {
            context.Progress.Update(layer.MapLayerId!, p => p with
            {
                State = LayerJobState.Done,
                Step = "done",
                Done = layer.Count,
                Total = layer.Count,
                Bytes = layer.Bytes ?? p.Bytes,
            });
        }
        context.Progress.SetUnitFraction(Key, 1);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"{unit.Title}: {RelativePath} written ({summary.Bytes:N0} bytes; {string.Join(", ", summary.Tables.Select(t => $"{t.TableName} {t.FeatureCount:N0}"))})."));
        return new UnitOutcome(Key, RelativePath, layers) { Replica = replica };
    }

    private GenerateLayerOption OptionOf(int layerId) => unit.Layers.First(l => l.LayerId == layerId).Option;

    private void ReportRows(int layerId, int rows, double? fraction)
    {
        if (rows > 0)
        {
            _counts[layerId] = _counts.GetValueOrDefault(layerId) + rows;
            context.Progress.AddFeatures(rows);
        }
        if (unit.Layers.FirstOrDefault(l => l.LayerId == layerId)?.MapLayer is { } mapLayer)
        {
            var count = _counts.GetValueOrDefault(layerId);
            context.Progress.Update(mapLayer.Id, p => p with { Done = count, Step = "writing features" });
        }
        if (fraction is { } f)
        {
            SetFraction(0.4 + (0.4 * f));
        }
    }

    private void CountAttachment(int layerId, long bytes)
    {
        _attachments[layerId] = _attachments.GetValueOrDefault(layerId) + 1;
        context.Progress.AddAttachments(1);
        if (unit.Layers.FirstOrDefault(l => l.LayerId == layerId)?.MapLayer is { } mapLayer)
        {
            context.Progress.Update(mapLayer.Id, p => p with { Bytes = p.Bytes + bytes });
        }
    }

    private void SetStep(string step, double? fraction)
    {
        foreach (var layer in unit.Layers.Where(l => l.MapLayer is not null))
        {
            context.Progress.Update(layer.MapLayer!.Id, p => p with { State = LayerJobState.Running, Step = step });
        }
        if (fraction is { } f)
        {
            SetFraction(f);
        }
    }

    private void SetFraction(double fraction) => context.Progress.SetUnitFraction(Key, fraction);

    private static string WireName(ReplicaSyncModel model) => model switch
    {
        ReplicaSyncModel.PerReplica => "perReplica",
        ReplicaSyncModel.PerLayer => "perLayer",
        _ => "none",
    };

    private static string WireName(AttachmentsSyncDirection? direction) => direction switch
    {
        AttachmentsSyncDirection.Upload => "upload",
        AttachmentsSyncDirection.Bidirectional => "bidirectional",
        _ => "none",
    };

    private static void TryDelete(string path)
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

    private sealed record PendingAttachment(GeoPackageLayer Table, PackageAttachment Attachment, Uri Url);

    /// <summary>An async enumerator that remembers whether it still has a current item, so that consumers can hand over mid-stream.</summary>
    private sealed class ItemCursor(IAsyncEnumerator<ReplicaItem> inner) : IAsyncDisposable
    {
        public ReplicaItem Current => inner.Current;

        public bool HasCurrent { get; private set; }

        public async ValueTask<bool> MoveNextAsync()
        {
            HasCurrent = await inner.MoveNextAsync().ConfigureAwait(false);
            return HasCurrent;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls back at once on the reporting thread (no synchronization context).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
