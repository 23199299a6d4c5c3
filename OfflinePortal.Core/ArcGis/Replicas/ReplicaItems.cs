using System.Globalization;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Replicas;

/// <summary>The generation a layer of a perLayer replica has reached (<c>layerServerGens[]</c>).</summary>
public sealed record LayerServerGen(int LayerId, long ServerGen, long? ServerSibGen = null);

/// <summary>Where a feature or attachment of a replica file comes from.</summary>
public enum ReplicaChange
{
    /// <summary>Data of a new replica (<c>layers[].features</c>).</summary>
    Data,

    /// <summary>Added on the server since the last sync (<c>edits[].features.adds</c>).</summary>
    Add,

    /// <summary>Updated on the server since the last sync (<c>edits[].features.updates</c>).</summary>
    Update,
}

/// <summary>The replica's identity and generations, as far as the file has told so far (complete after the last item).</summary>
public sealed record ReplicaHeader
{
    public string? ReplicaName { get; init; }

    public string? ReplicaId { get; init; }

    /// <summary><c>perReplica</c>, <c>perLayer</c> or <c>none</c>.</summary>
    public string? SyncModel { get; init; }

    public string? TransportType { get; init; }

    public string? ResponseType { get; init; }

    public string? TargetType { get; init; }

    /// <summary>perReplica: the replica's generation.</summary>
    public long? ReplicaServerGen { get; init; }

    public long? ReplicaServerSibGen { get; init; }

    /// <summary>perLayer: each layer's generation.</summary>
    public IReadOnlyList<LayerServerGen> LayerServerGens { get; init; } = [];
}

/// <summary>One step of a replica file, in file order.</summary>
public abstract record ReplicaItem;

/// <summary>The features and attachments of layer <paramref name="LayerId"/> follow.</summary>
public sealed record ReplicaLayerStarted(int LayerId) : ReplicaItem;

/// <summary>A feature (or table row) of a layer.</summary>
public sealed record ReplicaFeature(int LayerId, EsriFeature Feature, ReplicaChange Change) : ReplicaItem;

/// <summary>A feature or attachment deleted on the server since the last sync (<c>deleteIds</c>).</summary>
public sealed record ReplicaDeletion(int LayerId, string Id, bool IsAttachment) : ReplicaItem;

/// <summary>The layer's content is complete.</summary>
public sealed record ReplicaLayerCompleted(int LayerId, long FeatureCount, long AttachmentCount, long DeletionCount) : ReplicaItem;

/// <summary>The end of the file, with the complete header (generation numbers may come after the layers).</summary>
public sealed record ReplicaCompleted(ReplicaHeader Header) : ReplicaItem;

/// <summary>
/// An attachment of a replica file. Inline data (<c>data</c>, base64) has been decoded to memory or a temporary file;
/// <see cref="OpenData"/> reads it. The data stays available only until the reader moves to the next item.
/// </summary>
public sealed record ReplicaAttachment : ReplicaItem
{
    private readonly AttachmentData? _data;

    internal ReplicaAttachment(int layerId, ReplicaChange change, AttachmentData? data)
    {
        LayerId = layerId;
        Change = change;
        _data = data;
    }

    public int LayerId { get; }

    public ReplicaChange Change { get; }

    /// <summary><c>id</c> or <c>attachmentId</c>.</summary>
    public long? Id { get; init; }

    public string? GlobalId { get; init; }

    public string? ParentGlobalId { get; init; }

    public string? ContentType { get; init; }

    public string? Name { get; init; }

    public long? Size { get; init; }

    /// <summary>Where to download the data when the replica was made with <c>returnAttachmentsDataByUrl</c>.</summary>
    public string? Url { get; init; }

    public bool HasData => _data is not null;

    /// <summary>Length of the inline data in bytes (0 without data).</summary>
    public long DataLength => _data?.Length ?? 0;

    /// <summary>Opens the decoded inline data. Valid until the reader moves on.</summary>
    public Stream OpenData() => _data?.OpenRead() ?? throw new InvalidOperationException(
        string.Create(CultureInfo.InvariantCulture, $"Attachment {Id} ({Name}) has no inline data{(Url is null ? "" : "; download it from its URL")}."));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"ReplicaAttachment(layer {LayerId}, id {Id}, {Name}, {ContentType}, {(HasData ? DataLength + " bytes inline" : Url ?? "no data")})");
}
