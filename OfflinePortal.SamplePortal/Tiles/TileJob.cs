namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>The two geoprocessing-style operations of a tiled service.</summary>
internal enum TileJobKind
{
    ExportTiles,
    EstimateExportTilesSize,
}

/// <summary>A file an export job wrote.</summary>
internal sealed record TileJobFile(string Name, long Size);

/// <summary>A message of a job, as ArcGIS lists them (<c>esriJobMessageTypeInformative</c>, <c>…Error</c>).</summary>
internal sealed record TileJobMessage(string Type, string Description);

/// <summary>A point-in-time copy of a job, for answering status requests.</summary>
internal sealed record TileJobSnapshot(
    string Id,
    TiledService Service,
    TileJobKind Kind,
    string Status,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyList<TileJobMessage> Messages,
    long? TotalTiles,
    long? TotalSize,
    IReadOnlyList<TileJobFile> Files,
    DateTimeOffset Submitted,
    DateTimeOffset? Finished)
{
    public bool Succeeded => Status == TileJob.Succeeded;
}

/// <summary>An exportTiles or estimateExportTilesSize job; its state changes only through its own methods.</summary>
internal sealed class TileJob(string id, TiledService service, TileJobKind kind, ExportTilesRequest request, DateTimeOffset submitted)
{
    public const string Submitted = "esriJobSubmitted";
    public const string Executing = "esriJobExecuting";
    public const string Succeeded = "esriJobSucceeded";
    public const string Failed = "esriJobFailed";
    public const string Cancelled = "esriJobCancelled";

    private readonly Lock _gate = new();
    private readonly List<TileJobMessage> _messages = [];
    private readonly List<TileJobFile> _files = [];
    private string _status = Submitted;
    private long? _totalTiles;
    private long? _totalSize;
    private DateTimeOffset? _finished;

    public string Id { get; } = id;

    public TiledService Service { get; } = service;

    public TileJobKind Kind { get; } = kind;

    public ExportTilesRequest Request { get; } = request;

    public void Start(string message)
    {
        lock (_gate)
        {
            _status = Executing;
            _messages.Add(new TileJobMessage("esriJobMessageTypeInformative", message));
        }
    }

    public void Inform(string message)
    {
        lock (_gate)
        {
            _messages.Add(new TileJobMessage("esriJobMessageTypeInformative", message));
        }
    }

    public void Succeed(long totalTiles, long totalSize, IEnumerable<TileJobFile> files, string message, DateTimeOffset now)
    {
        lock (_gate)
        {
            _totalTiles = totalTiles;
            _totalSize = totalSize;
            _files.AddRange(files);
            _messages.Add(new TileJobMessage("esriJobMessageTypeInformative", message));
            _status = Succeeded;
            _finished = now;
        }
    }

    public void Fail(string message, DateTimeOffset now, bool cancelled = false)
    {
        lock (_gate)
        {
            _messages.Add(new TileJobMessage("esriJobMessageTypeError", message));
            _status = cancelled ? Cancelled : Failed;
            _finished = now;
        }
    }

    public TileJobSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new TileJobSnapshot(
                Id, Service, Kind, _status, Request.Inputs, [.. _messages], _totalTiles, _totalSize, [.. _files], submitted, _finished);
        }
    }
}
