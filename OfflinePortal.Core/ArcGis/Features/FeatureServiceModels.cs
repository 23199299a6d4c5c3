using System.Globalization;
using System.Text.Json;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Features;

/// <summary>
/// <c>syncCapabilities</c> of a feature service. Names are read ignoring case (<c>supportsAsync</c> and
/// <c>supportsASync</c> both occur); a missing flag means false.
/// </summary>
public sealed record SyncCapabilities
{
    public bool SupportsAsync { get; init; }

    public bool SupportsRegisteringExistingData { get; init; }

    public bool SupportsSyncDirectionControl { get; init; }

    /// <summary>False: only <c>perReplica</c> replicas.</summary>
    public bool SupportsPerLayerSync { get; init; }

    /// <summary>False: only <c>perLayer</c> replicas.</summary>
    public bool SupportsPerReplicaSync { get; init; }

    /// <summary><c>syncModel=none</c> (a plain export) is accepted.</summary>
    public bool SupportsSyncModelNone { get; init; }

    public bool SupportsRollbackOnFailure { get; init; }

    public bool SupportsAttachmentsSyncDirection { get; init; }

    public bool SupportsBiDirectionalSyncForServer { get; init; }

    /// <summary>The <c>syncDataOptions</c> bits the service supports (0 when not stated).</summary>
    public long SupportedSyncDataOptions { get; init; }

    internal static SyncCapabilities Parse(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return new SyncCapabilities();
        }
        return new SyncCapabilities
        {
            SupportsAsync = e.Bool("supportsAsync"),
            SupportsRegisteringExistingData = e.Bool("supportsRegisteringExistingData"),
            SupportsSyncDirectionControl = e.Bool("supportsSyncDirectionControl"),
            SupportsPerLayerSync = e.Bool("supportsPerLayerSync"),
            SupportsPerReplicaSync = e.Bool("supportsPerReplicaSync"),
            SupportsSyncModelNone = e.Bool("supportsSyncModelNone"),
            SupportsRollbackOnFailure = e.Bool("supportsRollbackOnFailure"),
            SupportsAttachmentsSyncDirection = e.Bool("supportsAttachmentsSyncDirection"),
            SupportsBiDirectionalSyncForServer = e.Bool("supportsBiDirectionalSyncForServer"),
            SupportedSyncDataOptions = e.Int64("supportedSyncDataOptions") ?? 0,
        };
    }
}

/// <summary>A layer or table as listed in a service root (<c>layers[]</c>, <c>tables[]</c>).</summary>
public sealed record ServiceLayerReference(int Id, string Name)
{
    public bool IsTable { get; init; }

    public EsriGeometryType GeometryType { get; init; }

    public int? ParentLayerId { get; init; }

    public IReadOnlyList<int> SubLayerIds { get; init; } = [];

    public bool DefaultVisibility { get; init; } = true;

    public double MinScale { get; init; }

    public double MaxScale { get; init; }

    internal static ServiceLayerReference Parse(JsonElement e, bool isTable) =>
        new(e.Int32("id") ?? -1, e.Str("name") ?? "")
        {
            IsTable = isTable || string.Equals(e.Str("type"), "Table", StringComparison.OrdinalIgnoreCase),
            GeometryType = EsriGeometry.ParseType(e.Str("geometryType")),
            ParentLayerId = e.Int32("parentLayerId") is { } p and >= 0 ? p : null,
            SubLayerIds = e.Array("subLayerIds").Select(JsonElementExtensions.AsInt64).Where(i => i is not null).Select(i => (int)i!.Value).ToList(),
            DefaultVisibility = e.Bool("defaultVisibility", true),
            MinScale = e.Double("minScale") ?? 0,
            MaxScale = e.Double("maxScale") ?? 0,
        };
}

/// <summary>A feature service root (<c>/FeatureServer?f=json</c>).</summary>
public sealed record FeatureServiceInfo
{
    public double? CurrentVersion { get; init; }

    public string? ServiceDescription { get; init; }

    public string? Description { get; init; }

    public string? CopyrightText { get; init; }

    /// <summary>Comma list such as <c>Create,Delete,Query,Update,Editing,Sync</c>.</summary>
    public string Capabilities { get; init; } = "";

    public bool SyncEnabled { get; init; }

    public SyncCapabilities SyncCapabilities { get; init; } = new();

    public IReadOnlyList<ServiceLayerReference> Layers { get; init; } = [];

    public IReadOnlyList<ServiceLayerReference> Tables { get; init; } = [];

    public int MaxRecordCount { get; init; } = 1000;

    public SpatialReference? SpatialReference { get; init; }

    public EsriEnvelope? InitialExtent { get; init; }

    public EsriEnvelope? FullExtent { get; init; }

    public bool SupportsApplyEditsWithGlobalIds { get; init; }

    public bool HasVersionedData { get; init; }

    public bool SupportsDisconnectedEditing { get; init; }

    public string? Units { get; init; }

    public string? ServiceItemId { get; init; }

    public string SupportedQueryFormats { get; init; } = "JSON";

    /// <summary>The whole answer, for properties not modelled here (relationships, editorTrackingInfo …).</summary>
    public JsonElement Raw { get; init; }

    /// <summary>Replicas can be created: <c>syncEnabled</c> and <c>Sync</c> in the capabilities.</summary>
    public bool SupportsSync => SyncEnabled && HasCapability("Sync");

    /// <summary>Any of Create, Update or Delete: an offline copy can be edited.</summary>
    public bool SupportsEditing => HasCapability("Create") || HasCapability("Update") || HasCapability("Delete");

    public IEnumerable<ServiceLayerReference> LayersAndTables => Layers.Concat(Tables);

    public bool HasCapability(string capability) =>
        Capabilities.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(capability, StringComparer.OrdinalIgnoreCase);

    internal static FeatureServiceInfo Parse(JsonElement root) => new()
    {
        CurrentVersion = root.Double("currentVersion"),
        ServiceDescription = root.Str("serviceDescription"),
        Description = root.Str("description"),
        CopyrightText = root.Str("copyrightText"),
        Capabilities = root.Str("capabilities") ?? "",
        SyncEnabled = root.Bool("syncEnabled"),
        SyncCapabilities = SyncCapabilities.Parse(root.Prop("syncCapabilities")),
        Layers = root.Array("layers").Where(l => l.ValueKind == JsonValueKind.Object).Select(l => ServiceLayerReference.Parse(l, false)).ToList(),
        Tables = root.Array("tables").Where(l => l.ValueKind == JsonValueKind.Object).Select(l => ServiceLayerReference.Parse(l, true)).ToList(),
        MaxRecordCount = root.Int32("maxRecordCount") is { } max and > 0 ? max : 1000,
        SpatialReference = EsriJson.ParseSpatialReference(root.Prop("spatialReference")),
        InitialExtent = EsriJson.ParseEnvelope(root.Prop("initialExtent")),
        FullExtent = EsriJson.ParseEnvelope(root.Prop("fullExtent")),
        SupportsApplyEditsWithGlobalIds = root.Bool("supportsApplyEditsWithGlobalIds"),
        HasVersionedData = root.Bool("hasVersionedData"),
        SupportsDisconnectedEditing = root.Bool("supportsDisconnectedEditing"),
        Units = root.Str("units"),
        ServiceItemId = root.NonEmptyStr("serviceItemId"),
        SupportedQueryFormats = root.Str("supportedQueryFormats") ?? "JSON",
        Raw = root.Clone(),
    };
}

/// <summary>Reads layer metadata (<c>/FeatureServer/{id}?f=json</c>, also <c>/MapServer/{id}</c>) into the shared <see cref="LayerInfo"/>.</summary>
public static class LayerInfoParser
{
    public static LayerInfo Parse(JsonElement root)
    {
        var advanced = root.Obj("advancedQueryCapabilities");
        return new LayerInfo(root.Int32("id") ?? -1, root.Str("name") ?? "")
        {
            IsTable = string.Equals(root.Str("type"), "Table", StringComparison.OrdinalIgnoreCase),
            GeometryType = EsriGeometry.ParseType(root.Str("geometryType")),
            ObjectIdField = root.NonEmptyStr("objectIdField") ?? FindOidField(root) ?? "OBJECTID",
            GlobalIdField = root.NonEmptyStr("globalIdField"),
            DisplayField = root.NonEmptyStr("displayField"),
            Fields = root.Array("fields").Where(f => f.ValueKind == JsonValueKind.Object).Select(ParseField).ToList(),
            HasAttachments = root.Bool("hasAttachments"),
            HasZ = root.Bool("hasZ"),
            HasM = root.Bool("hasM"),
            Relationships = root.Array("relationships").Where(r => r.ValueKind == JsonValueKind.Object).Select(ParseRelationship).ToList(),
            Capabilities = root.Str("capabilities") ?? "",
            MaxRecordCount = root.Int32("maxRecordCount") is { } max and > 0 ? max : 1000,
            SupportsPagination = advanced?.Bool("supportsPagination") ?? false,
            SupportsOrderBy = advanced?.Bool("supportsOrderBy") ?? false,
            SupportsQueryAttachments = root.Bool("supportsQueryAttachments") || (advanced?.Bool("supportsQueryAttachments") ?? false),
            SupportsApplyEditsWithGlobalIds = root.Bool("supportsApplyEditsWithGlobalIds"),
            SupportedQueryFormats = root.Str("supportedQueryFormats") ?? "JSON",
            DefinitionExpression = root.NonEmptyStr("definitionExpression"),
            Extent = EsriJson.ParseEnvelope(root.Prop("extent")),
            SpatialReference = EsriJson.ParseSpatialReference(root.Obj("extent")?.Prop("spatialReference")) ?? EsriJson.ParseSpatialReference(root.Prop("spatialReference")),
            DrawingInfo = root.RawClone("drawingInfo"),
        };
    }

    public static EsriField ParseField(JsonElement field) =>
        new(field.Str("name") ?? "", EsriField.ParseType(field.Str("type")))
        {
            Alias = field.Str("alias"),
            Length = field.Int32("length"),
            Nullable = field.Bool("nullable", true),
            Editable = field.Bool("editable", true),
            Domain = field.RawClone("domain"),
            DefaultValue = field.RawClone("defaultValue"),
        };

    public static RelationshipInfo ParseRelationship(JsonElement r) =>
        new(r.Int32("id") ?? -1, r.Str("name") ?? "", r.Int32("relatedTableId") ?? -1)
        {
            Cardinality = r.Str("cardinality"),
            Role = r.Str("role"),
            KeyField = r.NonEmptyStr("keyField"),
            Composite = r.Bool("composite"),
        };

    private static string? FindOidField(JsonElement root) =>
        root.Array("fields").FirstOrDefault(f => EsriField.ParseType(f.Str("type")) == EsriFieldType.OID).Str("name");
}

/// <summary>An attachment as <c>/{layer}/{oid}/attachments</c> lists it.</summary>
public sealed record AttachmentInfo(long Id, string? Name, string? ContentType, long? Size)
{
    public string? GlobalId { get; init; }

    public string? ParentGlobalId { get; init; }

    public string? Keywords { get; init; }

    internal static AttachmentInfo Parse(JsonElement e) =>
        new(e.Int64("id") ?? e.Int64("attachmentId") ?? -1, e.Str("name"), e.Str("contentType"), e.Int64("size"))
        {
            GlobalId = e.NonEmptyStr("globalId"),
            ParentGlobalId = e.NonEmptyStr("parentGlobalId"),
            Keywords = e.NonEmptyStr("keywords"),
        };
}

/// <summary>The attachments of one feature, as <c>queryAttachments</c> groups them.</summary>
public sealed record AttachmentGroup(long ParentObjectId, string? ParentGlobalId, IReadOnlyList<AttachmentInfo> Attachments);

/// <summary>The object ids a query matched (<c>returnIdsOnly</c>).</summary>
public sealed record FeatureIdSet(string ObjectIdFieldName, IReadOnlyList<long> ObjectIds);

/// <summary>One page of query results.</summary>
public sealed record FeatureQueryPage(IReadOnlyList<EsriFeature> Features, bool ExceededTransferLimit)
{
    public string? ObjectIdFieldName { get; init; }

    public string? GlobalIdFieldName { get; init; }

    public EsriGeometryType GeometryType { get; init; }

    public SpatialReference? SpatialReference { get; init; }

    public bool HasZ { get; init; }

    public bool HasM { get; init; }

    public IReadOnlyList<EsriField> Fields { get; init; } = [];
}

/// <summary>Spatial relationships a query can test.</summary>
public enum SpatialRelationship
{
    Intersects,
    Contains,
    Crosses,
    EnvelopeIntersects,
    IndexIntersects,
    Overlaps,
    Touches,
    Within,
}

/// <summary>
/// A layer query. Unset parts are left to the service's defaults (<c>where=1=1</c>, all fields, geometry returned).
/// </summary>
public sealed record FeatureQuery
{
    public string Where { get; init; } = "1=1";

    public IReadOnlyList<long>? ObjectIds { get; init; }

    /// <summary>A spatial filter; its spatial reference becomes <c>inSR</c>.</summary>
    public EsriGeometry? Geometry { get; init; }

    public SpatialRelationship SpatialRelationship { get; init; } = SpatialRelationship.Intersects;

    /// <summary><c>*</c> or a list of field names.</summary>
    public IReadOnlyList<string> OutFields { get; init; } = ["*"];

    public bool ReturnGeometry { get; init; } = true;

    public SpatialReference? OutSpatialReference { get; init; }

    public string? OrderByFields { get; init; }

    public long? ResultOffset { get; init; }

    /// <summary>Page size; also the page size <c>QueryAllAsync</c> uses (default: the layer's maxRecordCount).</summary>
    public int? ResultRecordCount { get; init; }

    public bool? ReturnZ { get; init; }

    public bool? ReturnM { get; init; }

    public int? GeometryPrecision { get; init; }

    public double? MaxAllowableOffset { get; init; }

    /// <summary>Further parameters passed as they are (<c>gdbVersion</c>, <c>historicMoment</c> …).</summary>
    public IReadOnlyDictionary<string, string>? AdditionalParameters { get; init; }

    internal IEnumerable<KeyValuePair<string, string?>> ToParameters()
    {
        yield return new("where", string.IsNullOrWhiteSpace(Where) ? "1=1" : Where);
        if (ObjectIds is { Count: > 0 })
        {
            yield return new("objectIds", string.Join(",", ObjectIds.Select(i => i.ToString(CultureInfo.InvariantCulture))));
        }
        if (Geometry is { } geometry)
        {
            yield return new("geometry", EsriJson.ToJson(geometry, includeSpatialReference: false));
            yield return new("geometryType", EsriGeometry.ToWireName(geometry.Type));
            if (geometry.SpatialReference is { } sr)
            {
                yield return new("inSR", SpatialReferenceParameter(sr));
            }
            yield return new("spatialRel", "esriSpatialRel" + SpatialRelationship);
        }
        yield return new("outFields", OutFields.Count == 0 ? "*" : string.Join(",", OutFields));
        yield return new("returnGeometry", ReturnGeometry ? "true" : "false");
        if (OutSpatialReference is { } outSr)
        {
            yield return new("outSR", SpatialReferenceParameter(outSr));
        }
        if (!string.IsNullOrWhiteSpace(OrderByFields))
        {
            yield return new("orderByFields", OrderByFields);
        }
        if (ResultOffset is { } offset)
        {
            yield return new("resultOffset", offset.ToString(CultureInfo.InvariantCulture));
        }
        if (ResultRecordCount is { } count)
        {
            yield return new("resultRecordCount", count.ToString(CultureInfo.InvariantCulture));
        }
        if (ReturnZ is { } z)
        {
            yield return new("returnZ", z ? "true" : "false");
        }
        if (ReturnM is { } m)
        {
            yield return new("returnM", m ? "true" : "false");
        }
        if (GeometryPrecision is { } precision)
        {
            yield return new("geometryPrecision", precision.ToString(CultureInfo.InvariantCulture));
        }
        if (MaxAllowableOffset is { } offsetTolerance)
        {
            yield return new("maxAllowableOffset", ArcGisUrl.FormatInvariant(offsetTolerance));
        }
        if (AdditionalParameters is not null)
        {
            foreach (var (name, value) in AdditionalParameters)
            {
                yield return new(name, value);
            }
        }
    }

    /// <summary>A spatial reference as a request parameter: the wkid when there is one, otherwise its JSON.</summary>
    internal static string SpatialReferenceParameter(SpatialReference sr) =>
        (sr.Wkid ?? sr.LatestWkid) is { } wkid ? wkid.ToString(CultureInfo.InvariantCulture) : EsriJson.ToJson(sr);
}
