using System.Text.Json.Serialization;

namespace OfflinePortal.Core.Offline;

/// <summary>Whether the offline map's feature data can be synchronised later (the SDK's GenerateOfflineMapUpdateMode).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GenerateOfflineMapUpdateMode>))]
public enum GenerateOfflineMapUpdateMode
{
    /// <summary>Replicas are registered with the feature services so the package can sync.</summary>
    SyncWithFeatureServices,

    /// <summary>A plain copy: no replica is registered, the package carries no change log.</summary>
    NoUpdates,
}

/// <summary>What happens to layers and tables that cannot go offline (the SDK's GenerateOfflineMapOnlineOnlyServicesOption).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GenerateOfflineMapOnlineOnlyServicesOption>))]
public enum GenerateOfflineMapOnlineOnlyServicesOption
{
    /// <summary>Leave them out of the offline map.</summary>
    Exclude,

    /// <summary>Keep them in the offline map, still pointing at their online services.</summary>
    Include,

    /// <summary>Keep the ones the map's author listed as connected online layers; leave out the rest.</summary>
    UseAuthoredSettings,
}

/// <summary>Which rows of a relationship's destination table are taken (the SDK's DestinationTableRowFilter).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DestinationTableRowFilter>))]
public enum DestinationTableRowFilter
{
    /// <summary>Only rows related to the features taken offline (the default).</summary>
    RelatedOnly,

    /// <summary>Every row of the table.</summary>
    All,
}

/// <summary>Which layers bring their attachments (the SDK's ReturnLayerAttachmentOption).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReturnLayerAttachmentOption>))]
public enum ReturnLayerAttachmentOption
{
    None,
    AllLayers,
    ReadOnlyLayers,
    EditableLayers,
}

/// <summary>How attachments synchronise (the SDK's AttachmentSyncDirection; createReplica's attachmentsSyncDirection).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttachmentSyncDirection>))]
public enum AttachmentSyncDirection
{
    None,
    Upload,
    Bidirectional,
}

/// <summary>Which rows of a layer a replica takes (createReplica's queryOption; the SDK's GenerateLayerQueryOption).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GenerateLayerQueryOption>))]
public enum GenerateLayerQueryOption
{
    /// <summary>Rows matching the where clause and, when <c>UseGeometry</c>, the extent.</summary>
    UseFilter,

    /// <summary>Every row.</summary>
    All,

    /// <summary>No rows: the schema only (or only rows pulled in through relationships).</summary>
    None,
}

/// <summary>How a replica tracks generations (createReplica's syncModel; the SDK's SyncModel).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SyncModel>))]
public enum SyncModel
{
    /// <summary>No replica is registered (a plain export).</summary>
    None,

    /// <summary>One generation for the whole replica (<c>perReplica</c>).</summary>
    Geodatabase,

    /// <summary>One generation per layer (<c>perLayer</c>); layers can sync on their own.</summary>
    Layer,
}
