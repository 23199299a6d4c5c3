using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Core.Offline;

/// <summary>What every unit of a running job shares: clients, limits, log, progress, and the replicas it registered.</summary>
internal sealed class JobContext
{
    public required FeatureServiceClient Features { get; init; }

    public required TiledServiceClient Tiles { get; init; }

    public required VectorTileServiceClient VectorTiles { get; init; }

    public required ArcGisCredential Credential { get; init; }

    public required OfflineMapOptions Options { get; init; }

    public required JobLog Log { get; init; }

    public required JobProgressTracker Progress { get; init; }

    public required OfflineJobLogProvider LogScopes { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>Limits tile requests over all tile layers of the job.</summary>
    public required SemaphoreSlim TileGate { get; init; }

    /// <summary>Limits attachment downloads over all feature services of the job.</summary>
    public required SemaphoreSlim AttachmentGate { get; init; }

    /// <summary>A short id of the job, part of replica names and temporary files.</summary>
    public required string JobId { get; init; }

    /// <summary>The temporary package folder (renamed into place when the job succeeds).</summary>
    public required string PackageDirectory { get; init; }

    /// <summary>Scratch files (replica downloads, attachments in transit); removed before the manifest is written.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary><c>syncDataOptions</c> from the map's offline settings, passed to createReplica.</summary>
    public long? SyncDataOptions { get; init; }

    public ReplicaRegistry Replicas { get; } = new();
}

/// <summary>Replicas a job registered on servers, so that a job that fails or is cancelled can unregister them.</summary>
internal sealed class ReplicaRegistry
{
    private readonly Lock _lock = new();
    private readonly List<RegisteredReplica> _replicas = [];

    public void Register(Uri serviceUrl, string replicaName, string? replicaId)
    {
        lock (_lock)
        {
            var existing = _replicas.FindIndex(r => r.ServiceUrl == serviceUrl && r.ReplicaName == replicaName);
            if (existing >= 0)
            {
                if (replicaId is not null)
                {
                    _replicas[existing] = _replicas[existing] with { ReplicaId = replicaId };
                }
                return;
            }
            _replicas.Add(new RegisteredReplica(serviceUrl, replicaName, replicaId));
        }
    }

    public void Forget(Uri serviceUrl, string replicaName)
    {
        lock (_lock)
        {
            _replicas.RemoveAll(r => r.ServiceUrl == serviceUrl && r.ReplicaName == replicaName);
        }
    }

    public IReadOnlyList<RegisteredReplica> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _replicas];
            }
        }
    }
}

/// <summary>A replica registered (or being registered: id not known yet) by a job.</summary>
internal sealed record RegisteredReplica(Uri ServiceUrl, string ReplicaName, string? ReplicaId);

/// <summary>What one unit of work produced.</summary>
internal sealed record UnitOutcome(string UnitKey, string File, IReadOnlyList<LayerOutcome> Layers)
{
    public PackageReplica? Replica { get; init; }
}

/// <summary>What became of one layer of a unit: its table, row or tile count and bytes.</summary>
internal sealed record LayerOutcome(string? MapLayerId, int? ServiceLayerId, string? Table, long Count, long? Bytes)
{
    public IReadOnlyList<int> Levels { get; init; } = [];

    public long Attachments { get; init; }
}

/// <summary>A unit failed; the layers it held failed with this message.</summary>
internal sealed class UnitFailedException(string message, Exception? inner = null) : Exception(message, inner);
