using System.Text.Json;
using System.Text.Json.Serialization;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>One layer's part of a replica: what its filter selects and how it syncs.</summary>
internal sealed record ReplicaLayer(int Id, string QueryOption, bool UseGeometry, bool IncludeRelated, string? Where, string SyncDirection);

/// <summary>A registered replica as stored (JSON column) and reported by replicas/{id}.</summary>
internal sealed record ReplicaDefinition
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Service { get; init; }

    public string Owner { get; init; } = "";

    public required string SyncModel { get; init; }

    public string TargetType { get; init; } = "client";

    public required string SyncDirection { get; init; }

    public bool ReturnAttachments { get; init; }

    public bool ReturnAttachmentsDataByUrl { get; init; } = true;

    public required string AttachmentsSyncDirection { get; init; }

    public int ReplicaWkid { get; init; } = WebMercator.LatestWkid;

    /// <summary>The filter geometry in Web Mercator as ArcGIS JSON, or null (syncModel none without geometry).</summary>
    public string? GeometryJson { get; init; }

    public required IReadOnlyList<ReplicaLayer> Layers { get; init; }

    public long Created { get; init; }

    public int SyncDataOptions { get; init; }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static ReplicaDefinition Deserialize(string json) => JsonSerializer.Deserialize<ReplicaDefinition>(json, Json)!;

    public static string FormatReplicaId(Guid g) => g.ToString("D").ToUpperInvariant();

    public static string NormalizeId(string id) => Guid.TryParse(id.Trim(), out var g) ? FormatReplicaId(g) : id.Trim();
}
