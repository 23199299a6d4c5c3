using System.Text.Json.Serialization;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>Options for one feature GeoPackage (one feature service).</summary>
public sealed record FeatureGeoPackageOptions
{
    /// <summary>
    /// True for an editable, syncable package: sync tables, change-log triggers and GlobalID defaults are written.
    /// False for <c>noUpdates</c> packages, which carry none of them.
    /// </summary>
    public bool TrackChanges { get; init; }

    /// <summary>Rows per transaction during bulk inserts.</summary>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>Preferred name of the geometry column; a field with the same name moves it to <c>SHAPE_2</c> and so on.</summary>
    public string GeometryColumnName { get; init; } = "SHAPE";

    /// <summary>Write an attachments (media) table for layers with <see cref="LayerInfo.HasAttachments"/>.</summary>
    public bool IncludeAttachmentTables { get; init; } = true;

    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be positive.");
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(GeometryColumnName);
    }
}

public enum GeoPackageTableKind
{
    Features,
    Attributes,
}

/// <summary>One column of a packaged table and the service field it holds.</summary>
public sealed record GeoPackageColumn(string ColumnName, EsriField Field, string SqlType);

/// <summary>
/// A layer or table written to the GeoPackage, as returned by <see cref="FeatureGeoPackageWriter.AddLayerAsync"/>:
/// its table name and the companion tables, which the caller records in the manifest and <c>map.json</c>.
/// </summary>
public sealed record GeoPackageLayer
{
    public required int LayerId { get; init; }

    public required string LayerName { get; init; }

    public required string TableName { get; init; }

    public required GeoPackageTableKind Kind { get; init; }

    public required string ObjectIdColumn { get; init; }

    public string? GlobalIdColumn { get; init; }

    public string? GeometryColumn { get; init; }

    public GeoPackageGeometryType? GeometryType { get; init; }

    public int? SrsId { get; init; }

    public bool HasZ { get; init; }

    public bool HasM { get; init; }

    /// <summary>The media table holding this layer's attachments (<c>&lt;table&gt;__ATTACH</c>), or null.</summary>
    public string? AttachmentTable { get; init; }

    /// <summary>The RTE mapping table from features to attachments (<c>&lt;table&gt;__ATTACHREL</c>), or null.</summary>
    public string? AttachmentMappingTable { get; init; }

    public required IReadOnlyList<GeoPackageColumn> Columns { get; init; }
}

/// <summary>An attachment as a feature service or replica describes it.</summary>
public sealed record PackageAttachment
{
    /// <summary>The server's attachment id, when known.</summary>
    public long? AttachmentId { get; init; }

    public string? GlobalId { get; init; }

    public string? ParentGlobalId { get; init; }

    public long? ParentObjectId { get; init; }

    public required string Name { get; init; }

    public required string ContentType { get; init; }

    public string? Keywords { get; init; }
}

/// <summary>
/// An ArcGIS relationship class between two layers/tables of the same service, e.g. hydrants (origin, key
/// <c>GlobalID</c>) to inspections (destination, foreign key <c>HydrantGUID</c>).
/// </summary>
public sealed record RelationshipClass(
    int Id,
    string Name,
    int OriginLayerId,
    int DestinationLayerId,
    string OriginPrimaryKey,
    string OriginForeignKey)
{
    /// <summary><c>esriRelCardinalityOneToOne</c>, <c>…OneToMany</c> or <c>…ManyToMany</c>.</summary>
    public string? Cardinality { get; init; }

    public bool Composite { get; init; }

    /// <summary>
    /// Pairs the two sides each layer's metadata lists (origin entry: key field = origin primary key; destination
    /// entry: key field = foreign key) into relationship classes. Entries without both sides are skipped.
    /// </summary>
    public static IReadOnlyList<RelationshipClass> FromLayers(IEnumerable<LayerInfo> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToList();
        var result = new List<RelationshipClass>();
        foreach (var origin in list)
        {
            foreach (var rel in origin.Relationships.Where(r => r.IsOrigin))
            {
                var destination = list.FirstOrDefault(l => l.Id == rel.RelatedTableId);
                var back = destination?.Relationships.FirstOrDefault(r => r.Id == rel.Id && !r.IsOrigin);
                if (destination is null || back is null || rel.KeyField is null || back.KeyField is null)
                {
                    continue;
                }
                result.Add(new RelationshipClass(rel.Id, rel.Name, origin.Id, destination.Id, rel.KeyField, back.KeyField)
                {
                    Cardinality = rel.Cardinality ?? back.Cardinality,
                    Composite = rel.Composite || back.Composite,
                });
            }
        }
        return result;
    }
}

/// <summary>Generation number of one layer (perLayer sync model).</summary>
public sealed record LayerServerGen(int Id, long ServerGen);

/// <summary>
/// The replica a feature GeoPackage is registered as: stored in its sync tables and listed in the manifest.
/// The service URL never carries a token.
/// </summary>
public sealed record PackageReplica
{
    public required string ServiceUrl { get; init; }

    public required string ReplicaId { get; init; }

    public string? ReplicaName { get; init; }

    /// <summary><c>perReplica</c> or <c>perLayer</c>.</summary>
    public required string SyncModel { get; init; }

    /// <summary><c>bidirectional</c>, <c>upload</c> or <c>download</c>.</summary>
    public string SyncDirection { get; init; } = "bidirectional";

    /// <summary><c>none</c>, <c>upload</c> or <c>bidirectional</c>.</summary>
    public string AttachmentSyncDirection { get; init; } = "none";

    /// <summary>perReplica generation.</summary>
    public long? ReplicaServerGen { get; init; }

    /// <summary>perLayer generations.</summary>
    public IReadOnlyList<LayerServerGen> LayerServerGens { get; init; } = [];

    /// <summary>The package file that holds this replica's data, relative to the package folder (<c>data/x.gpkg</c>).</summary>
    public string? File { get; init; }

    [JsonPropertyName("lastSyncUtc")]
    public DateTimeOffset? LastSync { get; init; }
}

/// <summary>What a finished feature GeoPackage holds.</summary>
public sealed record FeatureGeoPackageSummary(string Path, long Bytes, IReadOnlyList<GeoPackageTableSummary> Tables);

public sealed record GeoPackageTableSummary(int LayerId, string TableName, GeoPackageTableKind Kind, long FeatureCount, long AttachmentCount, EsriEnvelope? Extent);
