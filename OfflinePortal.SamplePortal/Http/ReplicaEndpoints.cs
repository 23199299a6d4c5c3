using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>createReplica (sync and async), jobs, replicafiles, replicas, unRegisterReplica and synchronizeReplica.</summary>
internal sealed class ReplicaEndpoints(SampleStore store, TokenService tokens, IHostApplicationLifetime lifetime, ILogger<ReplicaEndpoints> logger)
{
    private const string Root = FeatureServiceEndpoints.Root;
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Job
    {
        public required string Id { get; init; }

        public required string Service { get; init; }

        public string ReplicaName { get; set; } = "";

        public string ReplicaId { get; set; } = "";

        public long Submitted { get; init; }

        public long Updated { get; set; }

        public string Status { get; set; } = "Pending";

        public string ResponseType { get; set; } = "esriReplicaResponseTypeData";

        public string? ResultUrl { get; set; }

        public string? Error { get; set; }
    }

    public void Map(EndpointMapper m)
    {
        m.PostOnly(Root + "/createReplica", CreateReplica);
        m.PostOnly(Root + "/synchronizeReplica", SynchronizeReplica);
        m.PostOnly(Root + "/unRegisterReplica", UnRegisterReplica);
        m.GetOrPost(Root + "/replicas", ListReplicas);
        m.GetOrPost(Root + "/replicas/{replicaId}", ReplicaInfo);
        m.GetOrPost(Root + "/jobs/{jobId}", JobStatus);
        m.GetOrPost(Root + "/jobs/{jobId}/status", JobStatus);
        m.GetOnly(Root + "/replicafiles/{file}", ReplicaFile);
    }

    private static ServiceDef RequireSync(ArcGisRequest r, string operation)
    {
        var s = FeatureServiceEndpoints.ResolveService(r);
        if (!s.SyncEnabled)
        {
            throw new ArcGisException(400, "Requested operation is not supported by this service.", $"{operation} needs a sync-enabled service; '{s.Name}' has capabilities {s.Capabilities}.");
        }
        return s;
    }

    private static string Transport(ArcGisRequest r) =>
        r.Get("transportType")?.Trim().ToLowerInvariant() switch
        {
            null or "esritransporttypeurl" => "esriTransportTypeUrl",
            "esritransporttypeembedded" => "esriTransportTypeEmbedded",
            var v => throw ArcGisException.BadParameter("transportType", $"'{v}' is not esriTransportTypeUrl or esriTransportTypeEmbedded."),
        };

    private static ArcGisException CreateError(string detail) => new(400, "Unable to create replica. Please check your parameters.", detail);

    private ReplicaDefinition ReadDefinition(ArcGisRequest r, ServiceDef s)
    {
        var layersText = r.Get("layers") ?? throw CreateError("'layers' parameter is required.");
        var ids = new List<int>();
        foreach (var part in layersText.Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) || s.FindLayer(id) is null)
            {
                throw CreateError($"Invalid layer or table ID '{part}' in 'layers'.");
            }
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }
        if (ids.Count == 0)
        {
            throw CreateError("'layers' lists no layer.");
        }
        var dataFormat = r.Get("dataFormat")?.Trim().ToLowerInvariant() ?? "json";
        if (dataFormat != "json")
        {
            throw CreateError($"dataFormat '{dataFormat}' is not produced by this server; use dataFormat=json.");
        }
        var syncModel = r.GetEnum("syncModel", "perReplica", "none", "perReplica", "perLayer");
        var returnAttachments = r.GetBool("returnAttachments", false);
        var attDir = r.Get("attachmentsSyncDirection") is null
            ? (returnAttachments ? "bidirectional" : "none")
            : r.GetEnum("attachmentsSyncDirection", "none", "none", "upload", "bidirectional");
        if (returnAttachments && attDir == "none")
        {
            throw CreateError("returnAttachments=true needs attachmentsSyncDirection bidirectional or upload.");
        }
        if (!returnAttachments && attDir == "bidirectional")
        {
            throw CreateError("returnAttachments=false allows attachmentsSyncDirection upload or none, not bidirectional.");
        }
        var direction = r.GetEnum("syncDirection", "bidirectional", "bidirectional", "upload", "download");
        if (!s.Editable)
        {
            direction = "download";
        }
        var geometry = FeatureServiceEndpoints.ReadGeometry(r);
        if (geometry is null && syncModel != "none")
        {
            throw CreateError("'geometry' parameter is required.");
        }
        var replicaSr = FeatureServiceEndpoints.ReadWkid(r, "replicaSR", WebMercator.LatestWkid);
        var queries = r.GetJson("layerQueries");
        var layers = new List<ReplicaLayer>();
        foreach (var id in ids)
        {
            var layer = s.FindLayer(id)!;
            string option = "useFilter";
            string? where = null;
            bool useGeometry = true, includeRelated = true;
            string layerDirection = direction;
            if (queries is { ValueKind: JsonValueKind.Object } q && EsriGeometryJson.TryGetProperty(q, id.ToString(CultureInfo.InvariantCulture), out var lq))
            {
                if (EsriGeometryJson.TryGetProperty(lq, "queryOption", out var qo))
                {
                    option = new[] { "none", "useFilter", "all" }.FirstOrDefault(o => string.Equals(o, qo.GetString(), StringComparison.OrdinalIgnoreCase))
                        ?? throw CreateError($"queryOption '{qo}' of layer {id} is not none, useFilter or all.");
                }
                if (EsriGeometryJson.TryGetProperty(lq, "where", out var wh) && wh.ValueKind == JsonValueKind.String)
                {
                    where = wh.GetString();
                }
                if (EsriGeometryJson.TryGetProperty(lq, "useGeometry", out var ug) && ug.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    useGeometry = ug.GetBoolean();
                }
                if (EsriGeometryJson.TryGetProperty(lq, "includeRelated", out var ir) && ir.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    includeRelated = ir.GetBoolean();
                }
                if (EsriGeometryJson.TryGetProperty(lq, "syncDirection", out var sd) && s.Editable)
                {
                    layerDirection = new[] { "bidirectional", "upload", "download" }.FirstOrDefault(o => string.Equals(o, sd.GetString(), StringComparison.OrdinalIgnoreCase))
                        ?? throw CreateError($"syncDirection '{sd}' of layer {id} is not bidirectional, upload or download.");
                }
            }
            else if (queries is not null and not { ValueKind: JsonValueKind.Object })
            {
                throw CreateError("'layerQueries' must be a JSON object keyed by layer id.");
            }
            // Refuse a bad where clause now, with the same message a query would give.
            FeatureQuery.Build(layer, new FeatureFilter { Where = where }, null);
            layers.Add(new ReplicaLayer(id, option, useGeometry, includeRelated, where, layerDirection));
        }
        string? geometryJson = null;
        if (geometry is not null)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                EsriGeometryJson.Write(w, geometry, WebMercator.LatestWkid);
            }
            geometryJson = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        return new ReplicaDefinition
        {
            Id = ReplicaDefinition.FormatReplicaId(Guid.NewGuid()),
            Name = r.Get("replicaName") ?? "Replica",
            Service = s.Name,
            Owner = tokens.UserOf(r.Token) ?? "",
            SyncModel = syncModel,
            TargetType = r.GetEnum("targetType", "client", "client", "server"),
            SyncDirection = direction,
            ReturnAttachments = returnAttachments,
            ReturnAttachmentsDataByUrl = r.GetBoolAny(true, "returnAttachmentsDataByUrl", "returnAttachmentDatabyURL"),
            AttachmentsSyncDirection = attDir,
            ReplicaWkid = replicaSr,
            GeometryJson = geometryJson,
            Layers = layers,
            Created = store.NowMs,
            SyncDataOptions = r.GetInt("syncDataOptions", 0) ?? 0,
        };
    }

    private static void WriteGens(Utf8JsonWriter w, ReplicaDefinition d, IReadOnlyDictionary<int, long> gens)
    {
        if (d.SyncModel == "perReplica")
        {
            w.WriteNumber("replicaServerGen", gens.GetValueOrDefault(-1));
        }
        else if (d.SyncModel == "perLayer")
        {
            w.WriteStartArray("layerServerGens");
            foreach (var l in d.Layers)
            {
                w.WriteStartObject();
                w.WriteNumber("id", l.Id);
                w.WriteNumber("serverGen", gens.GetValueOrDefault(l.Id));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }

    private static Dictionary<int, long> GensFor(ReplicaDefinition d, long gen) =>
        d.SyncModel == "perLayer" ? d.Layers.ToDictionary(l => l.Id, _ => gen) : new Dictionary<int, long> { [-1] = gen };

    private string FilesUrl(ArcGisRequest r, ServiceDef s) => $"{r.ServicesUrl}/{s.Name}/FeatureServer/replicafiles";

    private async Task CreateReplica(ArcGisRequest r)
    {
        var s = RequireSync(r, "createReplica");
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var transport = Transport(r);
        var isAsync = r.GetBool("async", false);
        var options = r.GetJson("replicaOptions");
        var definition = ReadDefinition(r, s);
        if (options is { ValueKind: JsonValueKind.Object } ro)
        {
            await RegisterExisting(r, s, definition, ro, transport).ConfigureAwait(false);
            return;
        }
        // Register first: the replica's generation is the snapshot its data is read at.
        var (registered, gen) = await store.WriteAsync((conn, tx) =>
        {
            var g = SampleStore.CurrentGeneration(conn, s.Name, tx);
            var d = definition with { Name = definition.SyncModel == "none" ? definition.Name : ReplicaStore.UniqueName(conn, tx, s.Name, definition.Name) };
            if (d.SyncModel != "none")
            {
                ReplicaStore.Insert(conn, tx, d, GensFor(d, g), store.NowMs);
            }
            return (d, g);
        }, r.Aborted).ConfigureAwait(false);
        var fileName = Guid.NewGuid().ToString("N") + ".json";
        var path = Path.Combine(store.ReplicaFilesDirectory, fileName);
        var resultUrl = $"{FilesUrl(r, s)}/{fileName}";
        var attachmentBase = $"{r.ServicesUrl}/{s.Name}/FeatureServer";
        if (isAsync)
        {
            var job = NewJob(s, registered);
            _ = Task.Run(() => RunJob(job, async ct =>
            {
                job.Status = "ExportingData";
                await WriteReplicaFile(path, s, registered, gen, attachmentBase, "esriTransportTypeUrl", ct).ConfigureAwait(false);
                job.ResultUrl = resultUrl;
            }), CancellationToken.None);
            await ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new { statusUrl = $"{r.ServicesUrl}/{s.Name}/FeatureServer/jobs/{job.Id}" }).ConfigureAwait(false);
            return;
        }
        await WriteReplicaFile(path, s, registered, gen, attachmentBase, transport, r.Aborted).ConfigureAwait(false);
        if (transport == "esriTransportTypeEmbedded")
        {
            try
            {
                r.Context.Response.ContentType = "application/json; charset=utf-8";
                r.Context.Response.ContentLength = new FileInfo(path).Length;
                await r.Context.Response.SendFileAsync(path, r.Aborted).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(path);
            }
            return;
        }
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteString("replicaName", registered.Name);
            if (registered.SyncModel != "none")
            {
                w.WriteString("replicaID", registered.Id);
            }
            w.WriteString("transportType", "esriTransportTypeUrl");
            w.WriteString("responseType", "esriReplicaResponseTypeData");
            w.WriteString("URL", resultUrl);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task WriteReplicaFile(string path, ServiceDef s, ReplicaDefinition d, long gen, string attachmentBase, string transport, CancellationToken ct)
    {
        var temp = path + ".partial";
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        await using (var w = new Utf8JsonWriter(file))
        {
            using var snapshot = store.OpenSnapshot();
            var content = new ReplicaContent(snapshot.Connection, s, d, attachmentBase);
            await content.WriteDataAsync(w, transport, x => WriteGens(x, d, GensFor(d, gen)), ct).ConfigureAwait(false);
        }
        File.Move(temp, path);
    }

    private async Task RegisterExisting(ArcGisRequest r, ServiceDef s, ReplicaDefinition requested, JsonElement options, string transport)
    {
        string? refId = EsriGeometryJson.TryGetProperty(options, "refReplicaId", out var rr) ? rr.GetString() : null;
        var result = await store.WriteAsync((conn, tx) =>
        {
            ReplicaDefinition d;
            Dictionary<int, long> gens;
            if (refId is not null)
            {
                var source = ReplicaStore.Find(conn, s.Name, refId, tx) ?? throw CreateError($"Reference replica '{refId}' does not exist.");
                d = source.Definition with { Id = ReplicaDefinition.FormatReplicaId(Guid.NewGuid()), Name = requested.Name, Owner = requested.Owner, Created = store.NowMs };
                gens = source.Gens;
            }
            else if (EsriGeometryJson.TryGetProperty(options, "registerExistingData", out var red) && red.ValueKind == JsonValueKind.True)
            {
                d = requested;
                gens = GensFor(d, SampleStore.CurrentGeneration(conn, s.Name, tx));
            }
            else
            {
                throw CreateError("replicaOptions needs 'refReplicaId' (or registerExistingData=true).");
            }
            if (d.SyncModel == "none")
            {
                throw CreateError("A replica registered for existing data needs syncModel perReplica or perLayer.");
            }
            d = d with { Name = ReplicaStore.UniqueName(conn, tx, s.Name, d.Name) };
            ReplicaStore.Insert(conn, tx, d, gens, store.NowMs);
            return (d, gens);
        }, r.Aborted).ConfigureAwait(false);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteString("replicaName", result.d.Name);
            w.WriteString("replicaID", result.d.Id);
            w.WriteString("transportType", transport);
            w.WriteString("responseType", "esriReplicaResponseTypeInfo");
            w.WriteString("syncModel", result.d.SyncModel);
            WriteGens(w, result.d, result.gens);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private Job NewJob(ServiceDef s, ReplicaDefinition d)
    {
        var job = new Job { Id = Guid.NewGuid().ToString("N"), Service = s.Name, ReplicaName = d.Name, ReplicaId = d.SyncModel == "none" ? "" : d.Id, Submitted = store.NowMs, Updated = store.NowMs };
        _jobs[job.Id] = job;
        return job;
    }

    private async Task RunJob(Job job, Func<CancellationToken, Task> work)
    {
        try
        {
            await work(lifetime.ApplicationStopping).ConfigureAwait(false);
            job.Status = "Completed";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Replica job {Job} failed", job.Id);
            job.Error = e is ArcGisException ae ? string.Join(" ", [ae.Message, .. ae.Details]) : e.Message;
            job.Status = "Failed";
        }
        job.Updated = store.NowMs;
    }

    private Task JobStatus(ArcGisRequest r)
    {
        var s = FeatureServiceEndpoints.ResolveService(r);
        var id = (string)r.Context.Request.RouteValues["jobId"]!;
        if (!_jobs.TryGetValue(id, out var job) || !string.Equals(job.Service, s.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArcGisException(400, "Job not found.", $"Job '{id}' does not exist.");
        }
        return ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteString("replicaName", job.ReplicaName);
            w.WriteString("replicaID", job.ReplicaId);
            w.WriteNumber("submissionTime", job.Submitted);
            w.WriteNumber("lastUpdatedTime", job.Updated);
            w.WriteString("status", job.Status);
            w.WriteString("responseType", job.ResponseType);
            w.WriteString("transportType", "esriTransportTypeUrl");
            w.WriteString("resultUrl", job.ResultUrl ?? "");
            if (job.Error is not null)
            {
                w.WriteStartObject("error");
                w.WriteNumber("code", 500);
                w.WriteString("description", job.Error);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
    }

    private async Task ReplicaFile(ArcGisRequest r)
    {
        FeatureServiceEndpoints.ResolveService(r);
        var name = (string)r.Context.Request.RouteValues["file"]!;
        if (name.Length > 80 || !name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !name[..^5].All(char.IsAsciiHexDigit))
        {
            throw new ArcGisException(404, "File not found.", $"Replica file '{name}' does not exist.");
        }
        var path = Path.Combine(store.ReplicaFilesDirectory, name);
        if (!File.Exists(path))
        {
            throw new ArcGisException(404, "File not found.", $"Replica file '{name}' does not exist or has expired.");
        }
        File.SetLastWriteTimeUtc(path, store.Time.GetUtcNow().UtcDateTime);
        r.Context.Response.ContentType = "application/json; charset=utf-8";
        r.Context.Response.ContentLength = new FileInfo(path).Length;
        await r.Context.Response.SendFileAsync(path, r.Aborted).ConfigureAwait(false);
    }

    private async Task ListReplicas(ArcGisRequest r)
    {
        var s = RequireSync(r, "replicas");
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        using var conn = store.Open();
        var all = ReplicaStore.All(conn, s.Name);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartArray();
            foreach (var x in all)
            {
                w.WriteStartObject();
                w.WriteString("replicaName", x.Definition.Name);
                w.WriteString("replicaID", x.Definition.Id);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private static ArcGisException UnknownReplica(string id) => new(400, "Replica does not exist.", $"Replica '{id}' does not exist or has been unregistered.");

    private async Task ReplicaInfo(ArcGisRequest r)
    {
        var s = RequireSync(r, "replicas");
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var id = (string)r.Context.Request.RouteValues["replicaId"]!;
        using var conn = store.Open();
        var x = ReplicaStore.Find(conn, s.Name, id) ?? throw UnknownReplica(id);
        var d = x.Definition;
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteString("replicaName", d.Name);
            w.WriteString("replicaID", d.Id);
            w.WriteString("replicaOwner", d.Owner);
            w.WritePropertyName("spatialReference");
            EsriGeometryJson.WriteSpatialReference(w, d.ReplicaWkid);
            WriteGens(w, d, x.Gens);
            w.WriteNumber("creationDate", d.Created);
            w.WriteNumber("lastSyncDate", x.LastSync);
            w.WriteString("syncModel", d.SyncModel);
            w.WriteString("targetType", d.TargetType);
            w.WriteString("syncDirection", d.SyncDirection);
            w.WriteNumber("syncDataOptions", d.SyncDataOptions);
            w.WriteBoolean("returnsAttachments", d.ReturnAttachments);
            w.WriteBoolean("returnAttachments", d.ReturnAttachments);
            w.WriteString("attachmentsSyncDirection", d.AttachmentsSyncDirection);
            w.WriteString("spatialRel", "esriSpatialRelIntersects");
            w.WritePropertyName("geometry");
            if (d.GeometryJson is null)
            {
                w.WriteNullValue();
            }
            else
            {
                var g = EsriGeometryJson.Read(JsonDocument.Parse(d.GeometryJson).RootElement).Geometry;
                var env = WebMercator.Project(g.EnvelopeInternal, WebMercator.LatestWkid, d.ReplicaWkid);
                EsriGeometryJson.WriteEnvelope(w, env, d.ReplicaWkid);
            }
            w.WriteStartArray("layers");
            foreach (var l in d.Layers)
            {
                w.WriteStartObject();
                w.WriteNumber("id", l.Id);
                w.WriteString("queryOption", l.QueryOption);
                w.WriteBoolean("useGeometry", l.UseGeometry);
                w.WriteBoolean("includeRelated", l.IncludeRelated);
                w.WriteString("where", l.Where ?? "");
                w.WriteString("syncDirection", l.SyncDirection);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("supportsReplicaTracking", true);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task UnRegisterReplica(ArcGisRequest r)
    {
        var s = RequireSync(r, "unRegisterReplica");
        var id = r.Get("replicaID") ?? throw new ArcGisException(400, "Unable to unregister replica.", "'replicaID' parameter is required.");
        var removed = await store.WriteAsync((conn, tx) => ReplicaStore.Delete(conn, tx, s.Name, id), r.Aborted).ConfigureAwait(false);
        if (!removed)
        {
            throw UnknownReplica(id);
        }
        await ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new { success = true }).ConfigureAwait(false);
    }

    private sealed record LayerUpload(LayerDef Layer, List<JsonElement> Adds, List<JsonElement> Updates, List<string> Deletes,
        List<JsonElement> AttachmentAdds, List<JsonElement> AttachmentUpdates, List<string> AttachmentDeletes);

    private sealed record UploadResult(int LayerId, List<EditResult> Adds, List<EditResult> Updates, List<EditResult> Deletes, List<EditResult> AttAdds, List<EditResult> AttUpdates, List<EditResult> AttDeletes)
    {
        public IEnumerable<EditResult> All => Adds.Concat(Updates).Concat(Deletes).Concat(AttAdds).Concat(AttUpdates).Concat(AttDeletes);
    }

    private static List<string> Strings(JsonElement obj, string name) =>
        [.. FeatureServiceEndpoints.Items(obj, name).Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText())];

    private async Task SynchronizeReplica(ArcGisRequest r)
    {
        var s = RequireSync(r, "synchronizeReplica");
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var id = r.Get("replicaID") ?? throw new ArcGisException(400, "Unable to synchronize replica.", "'replicaID' parameter is required.");
        ReplicaStore.Row replica;
        using (var conn = store.Open())
        {
            replica = ReplicaStore.Find(conn, s.Name, id) ?? throw UnknownReplica(id);
        }
        var d = replica.Definition;
        var transport = Transport(r);
        var isAsync = r.GetBool("async", false);
        var rollback = r.GetBool("rollbackOnFailure", true);
        var close = r.GetBool("closeReplica", false);
        var defaultDirection = r.GetEnum("syncDirection", "bidirectional", "bidirectional", "upload", "download", "snapshot");
        if (defaultDirection == "snapshot")
        {
            throw new ArcGisException(400, "Unable to synchronize replica.", "syncDirection 'snapshot' is not supported by this server.");
        }

        // Which layers sync, in which direction, from which generation.
        var plan = new Dictionary<int, (string Direction, long ClientGen)>();
        if (d.SyncModel == "perLayer")
        {
            var syncLayers = r.GetJson("syncLayers");
            var entries = syncLayers is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().ToList() : [];
            if (syncLayers is not null && syncLayers.Value.ValueKind != JsonValueKind.Array)
            {
                throw ArcGisException.BadParameter("syncLayers", "expected a JSON array.");
            }
            foreach (var l in d.Layers)
            {
                var entry = entries.FirstOrDefault(e => EsriGeometryJson.TryGetProperty(e, "id", out var i) && i.TryGetInt32(out var n) && n == l.Id);
                if (entries.Count > 0 && entry.ValueKind == JsonValueKind.Undefined)
                {
                    continue;
                }
                var dir = entry.ValueKind == JsonValueKind.Object && EsriGeometryJson.TryGetProperty(entry, "syncDirection", out var sd) && sd.ValueKind == JsonValueKind.String
                    ? new[] { "bidirectional", "upload", "download" }.FirstOrDefault(o => string.Equals(o, sd.GetString(), StringComparison.OrdinalIgnoreCase)) ?? throw ArcGisException.BadParameter("syncLayers", $"syncDirection '{sd}' is not valid.")
                    : defaultDirection;
                var gen = entry.ValueKind == JsonValueKind.Object && EsriGeometryJson.TryGetProperty(entry, "serverGen", out var sg) && sg.TryGetInt64(out var g) ? g : replica.Gens.GetValueOrDefault(l.Id);
                plan[l.Id] = (Combine(l.SyncDirection, dir), gen);
            }
        }
        else
        {
            var gen = r.GetLong("replicaServerGen") ?? replica.Gens.GetValueOrDefault(-1);
            foreach (var l in d.Layers)
            {
                plan[l.Id] = (Combine(Combine(d.SyncDirection, l.SyncDirection), defaultDirection), gen);
            }
        }

        // Parse the uploaded edits before anything changes.
        var uploads = new List<LayerUpload>();
        if (r.GetJson("edits") is { } edits)
        {
            if (edits.ValueKind != JsonValueKind.Array)
            {
                throw ArcGisException.BadParameter("edits", "expected a JSON array of layer edits.");
            }
            foreach (var e in edits.EnumerateArray())
            {
                var lid = EsriGeometryJson.TryGetProperty(e, "id", out var idEl) && idEl.TryGetInt32(out var n) ? n : throw ArcGisException.BadParameter("edits", "each entry needs a numeric 'id'.");
                var layer = s.FindLayer(lid);
                if (layer is null || d.Layers.All(l => l.Id != lid))
                {
                    throw new ArcGisException(400, "Unable to synchronize replica.", $"Layer {lid} is not part of replica '{d.Name}'.");
                }
                var f = EsriGeometryJson.TryGetProperty(e, "features", out var fe) ? fe : default;
                var att = EsriGeometryJson.TryGetProperty(e, "attachments", out var at) ? at : default;
                var up = new LayerUpload(layer,
                    f.ValueKind == JsonValueKind.Object ? [.. FeatureServiceEndpoints.Items(f, "adds")] : [],
                    f.ValueKind == JsonValueKind.Object ? [.. FeatureServiceEndpoints.Items(f, "updates")] : [],
                    f.ValueKind == JsonValueKind.Object ? [.. Strings(f, "deleteIds"), .. Strings(f, "deletes")] : [],
                    att.ValueKind == JsonValueKind.Object ? [.. FeatureServiceEndpoints.Items(att, "adds")] : [],
                    att.ValueKind == JsonValueKind.Object ? [.. FeatureServiceEndpoints.Items(att, "updates")] : [],
                    att.ValueKind == JsonValueKind.Object ? [.. Strings(att, "deleteIds"), .. Strings(att, "deletes")] : []);
                var hasFeatures = up.Adds.Count + up.Updates.Count + up.Deletes.Count > 0;
                var hasAttachments = up.AttachmentAdds.Count + up.AttachmentUpdates.Count + up.AttachmentDeletes.Count > 0;
                if (hasFeatures || hasAttachments)
                {
                    if (!s.Editable || !plan.TryGetValue(lid, out var p) || p.Direction == "download")
                    {
                        throw new ArcGisException(400, "Unable to synchronize replica.", $"Edits cannot be uploaded to layer {lid}: it syncs download-only.");
                    }
                    if (hasAttachments && d.AttachmentsSyncDirection == "none")
                    {
                        throw new ArcGisException(400, "Unable to synchronize replica.", "The replica's attachmentsSyncDirection is none: attachment edits cannot be uploaded.");
                    }
                    uploads.Add(up);
                }
            }
        }

        // Read from the request now: an async job runs after the response, when the HttpContext is gone.
        var editorName = tokens.UserOf(r.Token) ?? d.Owner;
        var serviceUrl = $"{r.ServicesUrl}/{s.Name}/FeatureServer";

        static bool Downloads(string direction) => direction is "bidirectional" or "download";

        // A layer that did not download keeps the generation the client sent: moving it on would make the client skip
        // the changes made in between, which it has not received yet.
        async Task<(long Gen, List<UploadResult> Results, Dictionary<int, long> Gens)> Upload(CancellationToken ct)
        {
            try
            {
                return await store.WriteAsync((conn, tx) =>
                {
                    if (ReplicaStore.Find(conn, s.Name, d.Id, tx) is null)
                    {
                        throw UnknownReplica(d.Id);
                    }
                    var gen = SampleStore.NextGeneration(conn, tx, s.Name);
                    var ed = new FeatureEditor(conn, tx, gen, store.NowMs, editorName);
                    var results = uploads.Select(u => new UploadResult(u.Layer.Id,
                        [.. u.Adds.Select(a => ed.Add(u.Layer, a, keepGlobalId: true))],
                        [.. u.Updates.Select(a => ed.Update(u.Layer, a, byGlobalId: true))],
                        [.. u.Deletes.Select(x => ed.Delete(u.Layer, x, byGlobalId: true, missingIsSuccess: true))],
                        [.. u.AttachmentAdds.Select(a => ed.AddAttachment(u.Layer, FeatureServiceEndpoints.ReadAttachment(a)))],
                        [.. u.AttachmentUpdates.Select(a => ed.UpdateAttachment(u.Layer, FeatureServiceEndpoints.ReadAttachment(a)))],
                        [.. u.AttachmentDeletes.Select(x => ed.DeleteAttachmentByGlobalId(u.Layer, x, missingIsSuccess: true))])).ToList();
                    var failures = results.SelectMany(x => x.All).Where(x => !x.Success).ToList();
                    if (rollback && failures.Count > 0)
                    {
                        throw new EditsRolledBackException([.. failures.Select(f => $"{f.GlobalId ?? f.ObjectId?.ToString(CultureInfo.InvariantCulture)}: {f.Description}")]);
                    }
                    foreach (var u in uploads)
                    {
                        SampleStore.TouchLayer(conn, tx, u.Layer, store.NowMs);
                    }
                    var gens = new Dictionary<int, long>(replica.Gens);
                    if (d.SyncModel == "perLayer")
                    {
                        foreach (var (lid, p) in plan)
                        {
                            gens[lid] = Downloads(p.Direction) ? gen : p.ClientGen;
                        }
                    }
                    else if (plan.Count > 0)
                    {
                        gens[-1] = plan.Values.Any(p => Downloads(p.Direction)) ? gen : plan.Values.First().ClientGen;
                    }
                    ReplicaStore.UpdateGens(conn, tx, d.Id, gens, store.NowMs);
                    return (gen, results, gens);
                }, ct).ConfigureAwait(false);
            }
            catch (EditsRolledBackException e)
            {
                throw new ArcGisException(400, "Unable to synchronize replica.", ["Operation rolled back.", .. e.Failures]);
            }
        }

        async Task<(string ResponseType, string? File, long Changes)> Download(long gen, IReadOnlyDictionary<int, long> gens, string fileTransport, CancellationToken ct)
        {
            var downloads = plan.Where(p => Downloads(p.Value.Direction)).ToDictionary(p => p.Key, p => p.Value.ClientGen);
            if (downloads.Count == 0 || !HasChanges(s, downloads, gen))
            {
                return ("esriReplicaResponseTypeNoEdits", null, 0);
            }
            var fileName = Guid.NewGuid().ToString("N") + ".json";
            var path = Path.Combine(store.ReplicaFilesDirectory, fileName);
            long changes;
            await using (var file = new FileStream(path + ".partial", FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var w = new Utf8JsonWriter(file))
            {
                using var snapshot = store.OpenSnapshot();
                var content = new ReplicaContent(snapshot.Connection, s, d, serviceUrl);
                w.WriteStartObject();
                w.WriteString("replicaName", d.Name);
                w.WriteString("replicaID", d.Id);
                w.WriteString("transportType", fileTransport);
                w.WriteString("responseType", "esriReplicaResponseTypeEdits");
                WriteGens(w, d, gens);
                changes = await content.WriteEditsAsync(w, downloads, gen, d.AttachmentsSyncDirection == "bidirectional" && d.ReturnAttachments, ct).ConfigureAwait(false);
                w.WriteEndObject();
            }
            File.Move(path + ".partial", path);
            return ("esriReplicaResponseTypeEdits", path, changes);
        }

        async Task Finish(CancellationToken ct)
        {
            if (close)
            {
                await store.WriteAsync((conn, tx) => ReplicaStore.Delete(conn, tx, s.Name, d.Id), ct).ConfigureAwait(false);
            }
        }

        if (isAsync)
        {
            var job = NewJob(s, d);
            job.ResponseType = "esriReplicaResponseTypeEdits";
            var filesUrl = FilesUrl(r, s);
            _ = Task.Run(() => RunJob(job, async ct =>
            {
                job.Status = "ImportChanges";
                var (gen, _, gens) = await Upload(ct).ConfigureAwait(false);
                job.Status = "ExportChanges";
                var (type, file, _) = await Download(gen, gens, "esriTransportTypeUrl", ct).ConfigureAwait(false);
                job.ResponseType = type;
                job.ResultUrl = file is null ? null : $"{filesUrl}/{Path.GetFileName(file)}";
                await Finish(ct).ConfigureAwait(false);
            }), CancellationToken.None);
            await ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new { statusUrl = $"{r.ServicesUrl}/{s.Name}/FeatureServer/jobs/{job.Id}" }).ConfigureAwait(false);
            return;
        }

        var (newGen, uploadResults, gensOut) = await Upload(r.Aborted).ConfigureAwait(false);
        var (responseType, deltaFile, _) = await Download(newGen, gensOut, transport, r.Aborted).ConfigureAwait(false);
        await Finish(r.Aborted).ConfigureAwait(false);
        JsonElement? inline = null;
        if (deltaFile is not null && transport == "esriTransportTypeEmbedded")
        {
            using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(deltaFile, r.Aborted).ConfigureAwait(false));
            inline = doc.RootElement.TryGetProperty("edits", out var e) ? e.Clone() : null;
            File.Delete(deltaFile);
        }
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteString("replicaName", d.Name);
            w.WriteString("replicaID", d.Id);
            w.WriteString("transportType", transport);
            w.WriteString("responseType", responseType);
            WriteGens(w, d, gensOut);
            if (deltaFile is not null && transport == "esriTransportTypeUrl")
            {
                w.WriteString("resultUrl", $"{FilesUrl(r, s)}/{Path.GetFileName(deltaFile)}");
            }
            if (inline is { } edits)
            {
                w.WritePropertyName("edits");
                edits.WriteTo(w);
            }
            w.WriteStartArray("editResults");
            foreach (var u in uploadResults)
            {
                w.WriteStartObject();
                w.WriteNumber("id", u.LayerId);
                FeatureJson.WriteResults(w, "addResults", u.Adds);
                FeatureJson.WriteResults(w, "updateResults", u.Updates);
                FeatureJson.WriteResults(w, "deleteResults", u.Deletes);
                w.WriteStartObject("attachments");
                FeatureJson.WriteResults(w, "addResults", u.AttAdds);
                FeatureJson.WriteResults(w, "updateResults", u.AttUpdates);
                FeatureJson.WriteResults(w, "deleteResults", u.AttDeletes);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>Narrows a direction by another: download/upload restrictions can only be kept, never widened.</summary>
    private static string Combine(string a, string b) => a == b ? a : a == "bidirectional" ? b : b == "bidirectional" ? a : "none";

    /// <summary>A cheap check before writing a delta: does any synced layer have a change (or tombstone) in the range?</summary>
    private bool HasChanges(ServiceDef s, Dictionary<int, long> downloads, long before)
    {
        using var conn = store.Open();
        foreach (var (lid, after) in downloads)
        {
            var layer = s.FindLayer(lid)!;
            var tables = new List<string> { layer.Table };
            if (layer.HasAttachments)
            {
                tables.Add(layer.AttachmentTable);
            }
            foreach (var t in tables)
            {
                using var cmd = conn.CreateCommand();
                cmd.CommandText = $"SELECT EXISTS(SELECT 1 FROM {t} WHERE _GEN > $a AND _GEN < $b) OR EXISTS(SELECT 1 FROM tombstones WHERE table_name = $t AND gen > $a AND gen < $b)";
                cmd.Parameters.AddWithValue("$a", after);
                cmd.Parameters.AddWithValue("$b", before);
                cmd.Parameters.AddWithValue("$t", t);
                if ((long)cmd.ExecuteScalar()! != 0)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
