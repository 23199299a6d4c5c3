namespace OfflinePortal.Core.Offline;

/// <summary>
/// The live state of a running job: one <see cref="LayerJobProgress"/> per map layer and table, a fraction per unit of
/// work (feature service, tile layer), and running totals. Reports go to the caller's sink at most every
/// <c>interval</c>, except state changes, which are reported at once. Thread-safe.
/// </summary>
internal sealed class JobProgressTracker
{
    private readonly Lock _lock = new();
    private readonly Lock _reportLock = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, LayerJobProgress> _layers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _units = new(StringComparer.Ordinal);
    private readonly IProgress<GenerateOfflineMapProgress>? _sink;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private long _lastReport;
    private string _step = "Starting";
    private double _finishing;
    private long _features;
    private long _attachments;
    private long _tiles;
    private long _bytes;

    public JobProgressTracker(IEnumerable<PlannedLayer> layers, IProgress<GenerateOfflineMapProgress>? sink, TimeProvider time, TimeSpan interval)
    {
        _sink = sink;
        _time = time;
        _interval = interval;
        foreach (var layer in layers)
        {
            _order.Add(layer.Id);
            _layers[layer.Id] = new LayerJobProgress(layer.Id, layer.Title, layer.Status switch
            {
                PlannedStatus.OnlineOnly => LayerJobState.OnlineOnly,
                PlannedStatus.Omitted => LayerJobState.Omitted,
                PlannedStatus.Failed => LayerJobState.Failed,
                _ => LayerJobState.Pending,
            })
            {
                Kind = layer.Analysis.Kind,
                Step = layer.Status == PlannedStatus.Offline ? "waiting" : layer.Reason,
                Error = layer.Status == PlannedStatus.Failed ? layer.Reason : null,
            };
        }
    }

    public void AddUnit(string unitKey)
    {
        lock (_lock)
        {
            _units[unitKey] = 0;
        }
    }

    public void SetStep(string step, double finishing = 0)
    {
        lock (_lock)
        {
            _step = step;
            _finishing = finishing;
        }
        Report(force: true);
    }

    /// <summary>Changes a layer's entry; a change of state is reported at once, others when the interval has passed.</summary>
    public void Update(string layerId, Func<LayerJobProgress, LayerJobProgress> change)
    {
        bool stateChanged;
        lock (_lock)
        {
            if (!_layers.TryGetValue(layerId, out var current))
            {
                return;
            }
            var next = change(current);
            stateChanged = next.State != current.State || next.Step != current.Step;
            _layers[layerId] = next;
        }
        Report(stateChanged);
    }

    public void SetUnitFraction(string unitKey, double fraction)
    {
        lock (_lock)
        {
            _units[unitKey] = Math.Clamp(fraction, 0, 1);
        }
        Report(force: false);
    }

    public void AddFeatures(long count) => Interlocked.Add(ref _features, count);

    public void AddAttachments(long count) => Interlocked.Add(ref _attachments, count);

    public void AddTiles(long count) => Interlocked.Add(ref _tiles, count);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public GenerateOfflineMapProgress Snapshot()
    {
        lock (_lock)
        {
            var work = _units.Count == 0 ? 1 : _units.Values.Average();
            var fraction = (work * 0.95) + (_finishing * 0.05);
            return new GenerateOfflineMapProgress(Math.Clamp(fraction, 0, 1), _step, _order.Select(id => _layers[id]).ToList())
            {
                FeaturesWritten = Interlocked.Read(ref _features),
                AttachmentsWritten = Interlocked.Read(ref _attachments),
                TilesWritten = Interlocked.Read(ref _tiles),
                BytesDownloaded = Interlocked.Read(ref _bytes),
            };
        }
    }

    public void Report(bool force)
    {
        if (_sink is null)
        {
            return;
        }
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReport);
        if (!force && last != 0 && _time.GetElapsedTime(last, now) < _interval)
        {
            return;
        }
        Interlocked.Exchange(ref _lastReport, now);
        lock (_reportLock)
        {
            // One call at a time: the sink need not be thread-safe.
            _sink.Report(Snapshot());
        }
    }
}
