using System.Text.Json.Serialization;

namespace OfflinePortal.Core.Offline;

/// <summary>What a web map layer is, as far as taking it offline goes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OfflineLayerKind>))]
public enum OfflineLayerKind
{
    FeatureLayer,
    Table,
    TiledLayer,
    VectorTileLayer,
    FeatureCollection,
    GroupLayer,
    Other,
}

public static class OfflineLayerKindNames
{
    /// <summary>The kind as the package manifest and the portal's job records name it (<c>feature-layer</c>, <c>tiled-layer</c> …).</summary>
    public static string ToManifestName(this OfflineLayerKind kind) => kind switch
    {
        OfflineLayerKind.FeatureLayer => "feature-layer",
        OfflineLayerKind.Table => "table",
        OfflineLayerKind.TiledLayer => "tiled-layer",
        OfflineLayerKind.VectorTileLayer => "vector-tile-layer",
        OfflineLayerKind.FeatureCollection => "feature-collection",
        OfflineLayerKind.GroupLayer => "group-layer",
        _ => "other",
    };
}

/// <summary>Whether a layer or table goes offline.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OfflineCapabilityStatus>))]
public enum OfflineCapabilityStatus
{
    /// <summary>Goes offline and can sync (a replica of a sync-enabled feature service).</summary>
    Offline,

    /// <summary>Goes offline as data that cannot sync: tiles, a feature collection, or a read-only snapshot of a feature service that is not sync-enabled.</summary>
    OfflineReadOnly,

    /// <summary>Cannot go offline but can stay in the offline map as an online layer.</summary>
    OnlineOnly,

    /// <summary>Cannot be used at all (its service cannot be reached, refused access, or conflicts with another layer).</summary>
    Error,
}

/// <summary>One layer's or table's capability, with the reason in words a supervisor can act on.</summary>
public sealed record OfflineLayerCapability(
    string Id,
    string Title,
    OfflineLayerKind Kind,
    OfflineCapabilityStatus Status,
    string Reason)
{
    /// <summary>The web map's layerType (e.g. <c>ArcGISFeatureLayer</c>, <c>WMS</c>).</summary>
    public string? LayerType { get; init; }

    public string? Url { get; init; }

    public bool IsBasemap { get; init; }

    /// <summary>The map's author listed it as a connected online layer.</summary>
    public bool IsAuthoredOnlineOnly { get; init; }

    /// <summary>What a supervisor can do about it, when anything.</summary>
    public string? Remedy { get; init; }

    public bool SupportsOffline => Status is OfflineCapabilityStatus.Offline or OfflineCapabilityStatus.OfflineReadOnly;

    public bool SupportsSync => Status == OfflineCapabilityStatus.Offline;
}

/// <summary>The capability report of a web map (the SDK's OfflineMapCapabilities).</summary>
public sealed record OfflineMapCapabilities(
    IReadOnlyList<OfflineLayerCapability> LayerCapabilities,
    IReadOnlyList<OfflineLayerCapability> TableCapabilities)
{
    /// <summary>True when at least one layer or table cannot be used at all.</summary>
    public bool HasErrors =>
        LayerCapabilities.Any(c => c.Status == OfflineCapabilityStatus.Error)
        || TableCapabilities.Any(c => c.Status == OfflineCapabilityStatus.Error);

    public IEnumerable<OfflineLayerCapability> All => LayerCapabilities.Concat(TableCapabilities);
}
