using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Replicas;

/// <summary><c>syncModel</c> of a replica.</summary>
public enum ReplicaSyncModel
{
    /// <summary>A plain export; nothing is registered on the server.</summary>
    None,
    PerReplica,
    PerLayer,
}

/// <summary><c>syncDirection</c> of a replica or of one sync.</summary>
public enum SyncDirection
{
    Bidirectional,
    Upload,
    Download,

    /// <summary>Only for synchronizeReplica: replace the local data with a fresh copy.</summary>
    Snapshot,
}

/// <summary><c>attachmentsSyncDirection</c>.</summary>
public enum AttachmentsSyncDirection
{
    None,
    Upload,
    Bidirectional,
}

/// <summary><c>transportType</c>: the answer holds a URL to the data, or the data itself.</summary>
public enum ReplicaTransportType
{
    Url,
    Embedded,
}

/// <summary><c>queryOption</c> of a layer query.</summary>
public enum LayerQueryOption
{
    /// <summary>Apply <c>where</c> and/or the geometry.</summary>
    UseFilter,

    /// <summary>Every row.</summary>
    All,

    /// <summary>No rows (schema only, or only related rows).</summary>
    None,
}

/// <summary>One entry of <c>layerQueries</c>.</summary>
public sealed record ReplicaLayerQuery
{
    public LayerQueryOption? QueryOption { get; init; }

    /// <summary>SQL filter, e.g. the web map's <c>definitionExpression</c>.</summary>
    public string? Where { get; init; }

    public bool? UseGeometry { get; init; }

    public bool? IncludeRelated { get; init; }
}

/// <summary>Parameters of <c>createReplica</c>. Only set parts are sent; see SPEC §3 for the service defaults.</summary>
public sealed record CreateReplicaParameters
{
    /// <summary>Layer and table ids (<c>layers=0,1,2</c>).</summary>
    public required IReadOnlyList<int> Layers { get; init; }

    /// <summary>Per layer filters (<c>layerQueries</c>), keyed by layer id.</summary>
    public IReadOnlyDictionary<int, ReplicaLayerQuery>? LayerQueries { get; init; }

    /// <summary>The area: features intersecting it are included. Its spatial reference becomes <c>inSR</c>.</summary>
    public EsriGeometry? Geometry { get; init; }

    /// <summary>Spatial reference of the returned data (<c>replicaSR</c>).</summary>
    public SpatialReference? ReplicaSpatialReference { get; init; }

    public ReplicaTransportType TransportType { get; init; } = ReplicaTransportType.Url;

    public bool ReturnAttachments { get; init; }

    /// <summary>True: attachments carry a <c>url</c>; false: their bytes inline (<c>data</c>, base64).</summary>
    public bool ReturnAttachmentsDataByUrl { get; init; } = true;

    public AttachmentsSyncDirection? AttachmentsSyncDirection { get; init; }

    public ReplicaSyncModel SyncModel { get; init; } = ReplicaSyncModel.PerLayer;

    public SyncDirection? SyncDirection { get; init; }

    /// <summary><c>json</c> (what <see cref="ReplicaJsonReader"/> reads) or <c>sqlite</c>.</summary>
    public string DataFormat { get; init; } = "json";

    /// <summary><c>replicaOptions</c> (registering existing data), sent as given.</summary>
    public string? ReplicaOptionsJson { get; init; }

    public long? SyncDataOptions { get; init; }

    public string? ReplicaName { get; init; }

    /// <summary>Ask the server to run it as a job (<c>async=true</c>) and poll its status.</summary>
    public bool Async { get; init; } = true;

    /// <summary><c>client</c> (default) or <c>server</c>.</summary>
    public string? TargetType { get; init; }

    public IReadOnlyDictionary<string, string>? AdditionalParameters { get; init; }

    internal IEnumerable<KeyValuePair<string, string?>> ToParameters()
    {
        if (Layers.Count == 0)
        {
            throw new ArgumentException("createReplica needs at least one layer.", nameof(Layers));
        }
        yield return new("layers", string.Join(",", Layers.Select(l => l.ToString(CultureInfo.InvariantCulture))));
        if (LayerQueries is { Count: > 0 })
        {
            yield return new("layerQueries", LayerQueriesJson(LayerQueries));
        }
        if (Geometry is { } geometry)
        {
            yield return new("geometry", EsriJson.ToJson(geometry, includeSpatialReference: false));
            yield return new("geometryType", EsriGeometry.ToWireName(geometry.Type));
            if (geometry.SpatialReference is { } sr)
            {
                yield return new("inSR", FeatureQuery.SpatialReferenceParameter(sr));
            }
        }
        if (ReplicaSpatialReference is { } replicaSr)
        {
            yield return new("replicaSR", FeatureQuery.SpatialReferenceParameter(replicaSr));
        }
        yield return new("transportType", TransportType == ReplicaTransportType.Url ? "esriTransportTypeUrl" : "esriTransportTypeEmbedded");
        yield return new("returnAttachments", ReturnAttachments ? "true" : "false");
        yield return new("returnAttachmentsDataByUrl", ReturnAttachmentsDataByUrl ? "true" : "false");
        if (AttachmentsSyncDirection is { } attachments)
        {
            yield return new("attachmentsSyncDirection", WireNames.Of(attachments));
        }
        yield return new("syncModel", WireNames.Of(SyncModel));
        if (SyncDirection is { } direction)
        {
            yield return new("syncDirection", WireNames.Of(direction));
        }
        yield return new("dataFormat", DataFormat);
        if (!string.IsNullOrWhiteSpace(ReplicaOptionsJson))
        {
            yield return new("replicaOptions", ReplicaOptionsJson);
        }
        if (SyncDataOptions is { } options)
        {
            yield return new("syncDataOptions", options.ToString(CultureInfo.InvariantCulture));
        }
        if (!string.IsNullOrWhiteSpace(ReplicaName))
        {
            yield return new("replicaName", ReplicaName);
        }
        if (!string.IsNullOrWhiteSpace(TargetType))
        {
            yield return new("targetType", TargetType);
        }
        yield return new("async", Async ? "true" : "false");
        if (AdditionalParameters is not null)
        {
            foreach (var (name, value) in AdditionalParameters)
            {
                yield return new(name, value);
            }
        }
    }

    internal static string LayerQueriesJson(IReadOnlyDictionary<int, ReplicaLayerQuery> queries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (layerId, query) in queries.OrderBy(q => q.Key))
            {
                writer.WriteStartObject(layerId.ToString(CultureInfo.InvariantCulture));
                if (query.QueryOption is { } option)
                {
                    writer.WriteString("queryOption", WireNames.Of(option));
                }
                if (query.Where is { } where)
                {
                    writer.WriteString("where", where);
                }
                if (query.UseGeometry is { } useGeometry)
                {
                    writer.WriteBoolean("useGeometry", useGeometry);
                }
                if (query.IncludeRelated is { } includeRelated)
                {
                    writer.WriteBoolean("includeRelated", includeRelated);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>Status of an asynchronous replica job (createReplica or synchronizeReplica with <c>async=true</c>).</summary>
public sealed record ReplicaJobStatus(string Status)
{
    public string? ReplicaId { get; init; }

    public string? ReplicaName { get; init; }

    public string? ResponseType { get; init; }

    public string? TransportType { get; init; }

    /// <summary>The result file (<c>resultUrl</c>, <c>responseUrl</c> or <c>URL</c>), when the job has one.</summary>
    public Uri? ResultUrl { get; init; }

    public DateTimeOffset? SubmissionTime { get; init; }

    public DateTimeOffset? LastUpdatedTime { get; init; }

    public string? StatusMessage { get; init; }

    public long? ReplicaServerGen { get; init; }

    public IReadOnlyList<LayerServerGen> LayerServerGens { get; init; } = [];

    /// <summary><c>Completed</c> or <c>CompletedWithErrors</c> (case and spaces ignored).</summary>
    public bool IsCompleted => Normalized is "COMPLETED" or "COMPLETEDWITHERRORS" or "ESRIJOBSUCCEEDED";

    public bool IsCompletedWithErrors => Normalized == "COMPLETEDWITHERRORS";

    public bool IsFailed => Normalized is "FAILED" or "ESRIJOBFAILED" or "ESRIJOBTIMEDOUT" or "ESRIJOBCANCELLED";

    private string Normalized => Status.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
}

/// <summary>The outcome of createReplica (or of a replica job): the replica's identity and where its data is.</summary>
public sealed record ReplicaResult
{
    public string? ReplicaId { get; init; }

    public string? ReplicaName { get; init; }

    /// <summary>The data file to download; null when there is none (<c>esriReplicaResponseTypeNoEdits</c>, <c>…Info</c>).</summary>
    public Uri? ResultUrl { get; init; }

    public string? ResponseType { get; init; }

    public string? TransportType { get; init; }

    /// <summary>The job's final status (null for a synchronous call).</summary>
    public string? Status { get; init; }

    public long? ReplicaServerGen { get; init; }

    public IReadOnlyList<LayerServerGen> LayerServerGens { get; init; } = [];

    /// <summary>A file to download exists.</summary>
    public bool HasData => ResultUrl is not null
        && !string.Equals(ResponseType, "esriReplicaResponseTypeNoEdits", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(ResponseType, "esriReplicaResponseTypeInfo", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What createReplica answered at once: a job to poll, or (synchronous) the result.</summary>
public sealed record ReplicaSubmission(Uri? StatusUrl, ReplicaResult? Result)
{
    public bool IsJob => StatusUrl is not null;
}

/// <summary>One entry of the <c>edits</c> of synchronizeReplica.</summary>
public sealed record ReplicaLayerEdits(int LayerId)
{
    /// <summary>New features; each must carry its client-made GlobalID.</summary>
    public IReadOnlyList<EsriFeature> Adds { get; init; } = [];

    public IReadOnlyList<EsriFeature> Updates { get; init; } = [];

    /// <summary>GlobalIDs of deleted features.</summary>
    public IReadOnlyList<string> DeleteIds { get; init; } = [];

    public IReadOnlyList<ReplicaAttachmentEdit> AttachmentAdds { get; init; } = [];

    public IReadOnlyList<ReplicaAttachmentEdit> AttachmentUpdates { get; init; } = [];

    public IReadOnlyList<string> AttachmentDeleteIds { get; init; } = [];

    public bool IsEmpty => Adds.Count == 0 && Updates.Count == 0 && DeleteIds.Count == 0
        && AttachmentAdds.Count == 0 && AttachmentUpdates.Count == 0 && AttachmentDeleteIds.Count == 0;
}

/// <summary>An attachment added or updated offline. Exactly one of <see cref="Data"/>, <see cref="Url"/>, <see cref="UploadId"/>.</summary>
public sealed record ReplicaAttachmentEdit(string GlobalId, string ParentGlobalId, string ContentType, string Name)
{
    public ReadOnlyMemory<byte>? Data { get; init; }

    public string? Url { get; init; }

    public string? UploadId { get; init; }
}

/// <summary>Per layer entry of <c>syncLayers</c> (perLayer replicas).</summary>
public sealed record SyncLayer(int LayerId, long? ServerGen, SyncDirection? SyncDirection = null)
{
    public long? ServerSibGen { get; init; }
}

/// <summary>Parameters of <c>synchronizeReplica</c>.</summary>
public sealed record SynchronizeReplicaParameters(string ReplicaId)
{
    /// <summary>perReplica: the last generation received.</summary>
    public long? ReplicaServerGen { get; init; }

    public long? ReplicaServerSibGen { get; init; }

    /// <summary>perLayer: generations (and directions) per layer.</summary>
    public IReadOnlyList<SyncLayer>? SyncLayers { get; init; }

    public SyncDirection? SyncDirection { get; init; }

    public IReadOnlyList<ReplicaLayerEdits>? Edits { get; init; }

    public string? EditsUploadId { get; init; }

    public string? EditsUploadFormat { get; init; }

    public bool? ReturnIdsForAdds { get; init; }

    public bool? ReturnAttachmentDataByUrl { get; init; }

    public ReplicaTransportType TransportType { get; init; } = ReplicaTransportType.Url;

    public string DataFormat { get; init; } = "json";

    public bool? RollbackOnFailure { get; init; }

    public bool CloseReplica { get; init; }

    public bool Async { get; init; } = true;

    public IReadOnlyDictionary<string, string>? AdditionalParameters { get; init; }

    internal IEnumerable<KeyValuePair<string, string?>> ToParameters()
    {
        yield return new("replicaID", ReplicaId);
        if (ReplicaServerGen is { } gen)
        {
            yield return new("replicaServerGen", gen.ToString(CultureInfo.InvariantCulture));
        }
        if (ReplicaServerSibGen is { } sib)
        {
            yield return new("replicaServerSibGen", sib.ToString(CultureInfo.InvariantCulture));
        }
        if (SyncLayers is { Count: > 0 })
        {
            yield return new("syncLayers", SyncLayersJson(SyncLayers));
        }
        if (SyncDirection is { } direction)
        {
            yield return new("syncDirection", WireNames.Of(direction));
        }
        if (Edits is { Count: > 0 } && Edits.Any(e => !e.IsEmpty))
        {
            yield return new("edits", EditsJson(Edits.Where(e => !e.IsEmpty)));
        }
        if (!string.IsNullOrWhiteSpace(EditsUploadId))
        {
            yield return new("editsUploadID", EditsUploadId);
            yield return new("editsUploadFormat", EditsUploadFormat ?? "json");
        }
        if (ReturnIdsForAdds is { } returnIds)
        {
            yield return new("returnIdsForAdds", returnIds ? "true" : "false");
        }
        if (ReturnAttachmentDataByUrl is { } byUrl)
        {
            // The services directory spells this one returnAttachmentDatabyURL.
            yield return new("returnAttachmentDatabyURL", byUrl ? "true" : "false");
        }
        yield return new("transportType", TransportType == ReplicaTransportType.Url ? "esriTransportTypeUrl" : "esriTransportTypeEmbedded");
        yield return new("dataFormat", DataFormat);
        if (RollbackOnFailure is { } rollback)
        {
            yield return new("rollbackOnFailure", rollback ? "true" : "false");
        }
        if (CloseReplica)
        {
            yield return new("closeReplica", "true");
        }
        yield return new("async", Async ? "true" : "false");
        if (AdditionalParameters is not null)
        {
            foreach (var (name, value) in AdditionalParameters)
            {
                yield return new(name, value);
            }
        }
    }

    internal static string SyncLayersJson(IReadOnlyList<SyncLayer> layers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var layer in layers)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", layer.LayerId);
                if (layer.ServerGen is { } gen)
                {
                    writer.WriteNumber("serverGen", gen);
                }
                if (layer.ServerSibGen is { } sib)
                {
                    writer.WriteNumber("serverSibGen", sib);
                }
                if (layer.SyncDirection is { } direction)
                {
                    writer.WriteString("syncDirection", WireNames.Of(direction));
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string EditsJson(IEnumerable<ReplicaLayerEdits> edits)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var layer in edits)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", layer.LayerId);
                writer.WriteStartObject("features");
                WriteFeatures(writer, "adds", layer.Adds);
                WriteFeatures(writer, "updates", layer.Updates);
                WriteStrings(writer, "deleteIds", layer.DeleteIds);
                writer.WriteEndObject();
                if (layer.AttachmentAdds.Count + layer.AttachmentUpdates.Count + layer.AttachmentDeleteIds.Count > 0)
                {
                    writer.WriteStartObject("attachments");
                    WriteAttachments(writer, "adds", layer.AttachmentAdds);
                    WriteAttachments(writer, "updates", layer.AttachmentUpdates);
                    WriteStrings(writer, "deleteIds", layer.AttachmentDeleteIds);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);

        static void WriteFeatures(Utf8JsonWriter writer, string name, IReadOnlyList<EsriFeature> features)
        {
            writer.WriteStartArray(name);
            foreach (var feature in features)
            {
                EsriJson.WriteFeature(writer, feature);
            }
            writer.WriteEndArray();
        }

        static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
        {
            writer.WriteStartArray(name);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }
            writer.WriteEndArray();
        }

        static void WriteAttachments(Utf8JsonWriter writer, string name, IReadOnlyList<ReplicaAttachmentEdit> attachments)
        {
            writer.WriteStartArray(name);
            foreach (var a in attachments)
            {
                writer.WriteStartObject();
                writer.WriteString("globalid", a.GlobalId);
                writer.WriteString("parentGlobalid", a.ParentGlobalId);
                writer.WriteString("contentType", a.ContentType);
                writer.WriteString("name", a.Name);
                if (a.Data is { } data)
                {
                    writer.WriteBase64String("data", data.Span);
                }
                else if (a.UploadId is { } uploadId)
                {
                    writer.WriteString("uploadId", uploadId);
                }
                else if (a.Url is { } url)
                {
                    writer.WriteString("url", url);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
    }
}

/// <summary>What synchronizeReplica answered (after polling when asynchronous).</summary>
public sealed record SynchronizeReplicaResult
{
    public string? ReplicaId { get; init; }

    public string? ReplicaName { get; init; }

    public string? ResponseType { get; init; }

    /// <summary>The delta file; null when the server has no edits to send (<c>esriReplicaResponseTypeNoEdits</c>).</summary>
    public Uri? ResultUrl { get; init; }

    public long? ReplicaServerGen { get; init; }

    public IReadOnlyList<LayerServerGen> LayerServerGens { get; init; } = [];

    public string? Status { get; init; }

    /// <summary>
    /// The answer as JSON, for the per-edit upload results (whose place in the answer is not documented) and for an
    /// embedded delta (read it with <see cref="ReplicaJsonReader"/> over <see cref="OpenInlineResponse"/>).
    /// </summary>
    public JsonElement Raw { get; init; }

    public bool HasDeltaFile => ResultUrl is not null && !string.Equals(ResponseType, "esriReplicaResponseTypeNoEdits", StringComparison.OrdinalIgnoreCase);

    /// <summary>The whole answer as a stream, for reading an embedded delta with <see cref="ReplicaJsonReader"/>.</summary>
    public Stream OpenInlineResponse() => new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(Raw), writable: false);
}

/// <summary>One entry of <c>/replicas</c>.</summary>
public sealed record ReplicaListEntry(string ReplicaName, string ReplicaId);

/// <summary>One layer's definition in replica info.</summary>
public sealed record ReplicaLayerInfo(int LayerId)
{
    public string? QueryOption { get; init; }

    public bool? UseGeometry { get; init; }

    public bool? IncludeRelated { get; init; }

    public string? Where { get; init; }
}

/// <summary>Replica info (<c>/replicas/{id}</c>).</summary>
public sealed record ReplicaInfo
{
    public string? ReplicaName { get; init; }

    public string? ReplicaId { get; init; }

    public string? ReplicaOwner { get; init; }

    public SpatialReference? SpatialReference { get; init; }

    public long? ReplicaServerGen { get; init; }

    public IReadOnlyList<LayerServerGen> LayerServerGens { get; init; } = [];

    public DateTimeOffset? CreationDate { get; init; }

    public DateTimeOffset? LastSyncDate { get; init; }

    public string? SyncModel { get; init; }

    public string? TargetType { get; init; }

    public string? SyncDirection { get; init; }

    public long? SyncDataOptions { get; init; }

    public bool ReturnAttachments { get; init; }

    public string? AttachmentsSyncDirection { get; init; }

    public string? SpatialRelationship { get; init; }

    public EsriGeometry? Geometry { get; init; }

    public IReadOnlyList<ReplicaLayerInfo> Layers { get; init; } = [];

    public JsonElement Raw { get; init; }

    internal static ReplicaInfo Parse(JsonElement root) => new()
    {
        ReplicaName = root.Str("replicaName"),
        ReplicaId = root.Str("replicaID"),
        ReplicaOwner = root.NonEmptyStr("replicaOwner"),
        SpatialReference = EsriJson.ParseSpatialReference(root.Prop("spatialReference")),
        ReplicaServerGen = root.Int64("replicaServerGen"),
        LayerServerGens = root.Prop("layerServerGens") is { } gens ? ReplicaJsonReader.ParseLayerServerGens(gens) : [],
        CreationDate = root.EpochMs("creationDate"),
        LastSyncDate = root.EpochMs("lastSyncDate"),
        SyncModel = root.Str("syncModel"),
        TargetType = root.Str("targetType"),
        SyncDirection = root.Str("syncDirection"),
        SyncDataOptions = root.Int64("syncDataOptions"),
        ReturnAttachments = root.Bool("returnAttachments") || root.Bool("returnsAttachments"),
        AttachmentsSyncDirection = root.Str("attachmentsSyncDirection"),
        SpatialRelationship = root.Str("spatialRel"),
        Geometry = root.Prop("geometry") is { } g ? EsriJson.ParseGeometry(g) : null,
        Layers = root.Array("layers").Where(l => l.Int32("id") is not null).Select(l => new ReplicaLayerInfo(l.Int32("id")!.Value)
        {
            QueryOption = l.Str("queryOption"),
            UseGeometry = l.BoolOrNull("useGeometry"),
            IncludeRelated = l.BoolOrNull("includeRelated"),
            Where = l.Str("where"),
        }).ToList(),
        Raw = root.Clone(),
    };
}

/// <summary>The wire spelling of the replica enums.</summary>
internal static class WireNames
{
    public static string Of(ReplicaSyncModel model) => model switch
    {
        ReplicaSyncModel.PerReplica => "perReplica",
        ReplicaSyncModel.PerLayer => "perLayer",
        _ => "none",
    };

    public static string Of(SyncDirection direction) => direction switch
    {
        SyncDirection.Upload => "upload",
        SyncDirection.Download => "download",
        SyncDirection.Snapshot => "snapshot",
        _ => "bidirectional",
    };

    public static string Of(AttachmentsSyncDirection direction) => direction switch
    {
        AttachmentsSyncDirection.Upload => "upload",
        AttachmentsSyncDirection.Bidirectional => "bidirectional",
        _ => "none",
    };

    public static string Of(LayerQueryOption option) => option switch
    {
        LayerQueryOption.All => "all",
        LayerQueryOption.None => "none",
        _ => "useFilter",
    };
}
