using System.Text.Json;

namespace OfflinePortal.Core.ArcGis.Model;

/// <summary>A relationship between a layer or table and another, as listed in layer metadata.</summary>
public sealed record RelationshipInfo(int Id, string Name, int RelatedTableId)
{
    /// <summary><c>esriRelCardinalityOneToOne</c>, <c>…OneToMany</c> or <c>…ManyToMany</c>.</summary>
    public string? Cardinality { get; init; }

    /// <summary><c>esriRelRoleOrigin</c> or <c>esriRelRoleDestination</c>.</summary>
    public string? Role { get; init; }

    public string? KeyField { get; init; }

    public bool Composite { get; init; }

    public bool IsOrigin => string.Equals(Role, "esriRelRoleOrigin", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Metadata of one layer or table of a feature service (<c>/FeatureServer/{id}?f=json</c>).</summary>
public sealed record LayerInfo(int Id, string Name)
{
    /// <summary>True for <c>"type":"Table"</c> (no geometry).</summary>
    public bool IsTable { get; init; }

    public EsriGeometryType GeometryType { get; init; }

    public string ObjectIdField { get; init; } = "OBJECTID";

    /// <summary>The GlobalID field, or null when the layer has none (then it cannot sync).</summary>
    public string? GlobalIdField { get; init; }

    public string? DisplayField { get; init; }

    public IReadOnlyList<EsriField> Fields { get; init; } = [];

    public bool HasAttachments { get; init; }

    public bool HasZ { get; init; }

    public bool HasM { get; init; }

    public IReadOnlyList<RelationshipInfo> Relationships { get; init; } = [];

    /// <summary>Comma list such as <c>Create,Delete,Query,Update,Editing,Sync</c>.</summary>
    public string Capabilities { get; init; } = "";

    public int MaxRecordCount { get; init; } = 1000;

    public bool SupportsPagination { get; init; }

    /// <summary><c>advancedQueryCapabilities.supportsOrderBy</c>: query accepts <c>orderByFields</c> (stable paging).</summary>
    public bool SupportsOrderBy { get; init; }

    /// <summary><c>queryAttachments</c> is available (<c>supportsQueryAttachments</c>, on the layer or in its advanced query capabilities).</summary>
    public bool SupportsQueryAttachments { get; init; }

    /// <summary>Edits may be addressed by GlobalID (<c>supportsApplyEditsWithGlobalIds</c>).</summary>
    public bool SupportsApplyEditsWithGlobalIds { get; init; }

    /// <summary>Comma list such as <c>JSON, geoJSON, PBF</c>.</summary>
    public string SupportedQueryFormats { get; init; } = "JSON";

    public string? DefinitionExpression { get; init; }

    public EsriEnvelope? Extent { get; init; }

    public SpatialReference? SpatialReference { get; init; }

    /// <summary>The layer's <c>drawingInfo</c> (renderer), kept raw for the offline map.</summary>
    public JsonElement? DrawingInfo { get; init; }

    public EsriField? FindField(string name) =>
        Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public bool HasCapability(string capability) =>
        Capabilities.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(capability, StringComparer.OrdinalIgnoreCase);
}
