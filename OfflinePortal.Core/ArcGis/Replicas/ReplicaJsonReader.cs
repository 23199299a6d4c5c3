using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Replicas;

/// <summary>Settings of a <see cref="ReplicaJsonReader"/>.</summary>
public sealed class ReplicaJsonReaderOptions
{
    /// <summary>The read buffer's starting size; it grows only when one feature does not fit.</summary>
    public int InitialBufferSize { get; init; } = 64 * 1024;

    /// <summary>The largest single value (one feature, one attachment record without its data) accepted.</summary>
    public int MaxBufferSize { get; init; } = 256 * 1024 * 1024;

    /// <summary>Inline attachment data larger than this is decoded into a temporary file instead of memory.</summary>
    public int AttachmentMemoryThreshold { get; init; } = 1024 * 1024;

    /// <summary>Folder for temporary files (large attachments, parts of the file that arrive before their layer id).</summary>
    public string TemporaryDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "offlineportal-replica");

    /// <summary>Leave the stream open when the reader is disposed.</summary>
    public bool LeaveOpen { get; init; }

    /// <summary>Names the source in error messages (a redacted URL or a file name).</summary>
    public string SourceName { get; init; } = "The replica file";
}

/// <summary>
/// Reads a replica JSON file (createReplica with <c>dataFormat=json</c>, or a synchronizeReplica delta) from a stream
/// without holding it in memory: <see cref="ReadAsync"/> yields, in file order, each layer's features (as
/// <see cref="EsriFeature"/>), attachments and deletions, and at the end the header with replica id, sync model and
/// generation numbers (numbers or strings), whatever order the keys come in.
/// </summary>
/// <remarks>
/// Memory stays flat: one feature is parsed at a time from a fixed buffer; inline attachment data is decoded in
/// pieces into memory or a temporary file. The one exception to reading in a single pass: when a layer's
/// <c>features</c> or <c>attachments</c> come before its <c>id</c>, their raw JSON is copied to a temporary file and
/// replayed once the id is known.
/// </remarks>
public sealed class ReplicaJsonReader : IAsyncDisposable, IDisposable
{
    private static readonly JsonValueReader<FeatureState, EsriFeature> FeatureReader =
        static (ref Utf8JsonReader reader, FeatureState state) => EsriJson.ReadFeature(ref reader, state.Context, state.Names);

    private static readonly JsonValueReader<object?, object?> ScalarReader =
        static (ref Utf8JsonReader reader, object? _) => EsriJson.ReadValue(ref reader);

    private static readonly JsonValueReader<object?, JsonElement> ElementReader =
        static (ref Utf8JsonReader reader, object? _) => JsonElement.ParseValue(ref reader);

    private readonly StreamingJsonSource _source;
    private readonly ReplicaJsonReaderOptions _options;
    private ReplicaHeader _header = new();
    private bool _started;

    public ReplicaJsonReader(Stream stream, ReplicaJsonReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _options = options ?? new ReplicaJsonReaderOptions();
        _source = new StreamingJsonSource(stream, _options.SourceName, _options.InitialBufferSize, _options.MaxBufferSize, _options.LeaveOpen);
    }

    /// <summary>What the file has said about the replica so far; complete once <see cref="ReplicaCompleted"/> was yielded.</summary>
    public ReplicaHeader Header => _header;

    /// <summary>Bytes of the file consumed so far.</summary>
    public long BytesConsumed => _source.BytesConsumed;

    /// <summary>Bytes taken from the stream so far (consumed plus the read-ahead buffer).</summary>
    public long BytesRead => _source.BytesRead;

    /// <summary>The largest the read buffer has grown, in bytes.</summary>
    public int PeakBufferSize => _source.PeakBufferSize;

    /// <summary>Reads the file once, yielding its items in order. Can be enumerated only once.</summary>
    /// <exception cref="ArcGisServiceException">The file is an ArcGIS error envelope.</exception>
    /// <exception cref="ArcGisProtocolException">The file is not JSON, is truncated, or is not shaped like a replica.</exception>
    public async IAsyncEnumerable<ReplicaItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            throw new InvalidOperationException("A ReplicaJsonReader reads its stream once.");
        }
        _started = true;
        await _source.ExpectAsync(JsonTokenType.StartObject, "a JSON object", cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var token = await _source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            if (token.Type == JsonTokenType.EndObject)
            {
                break;
            }
            var name = token.Text!;
            switch (name.ToUpperInvariant())
            {
                case "LAYERS":
                    await foreach (var item in ReadLayerArrayAsync(edits: false, cancellationToken).ConfigureAwait(false))
                    {
                        yield return item;
                    }
                    break;
                case "EDITS":
                    await foreach (var item in ReadLayerArrayAsync(edits: true, cancellationToken).ConfigureAwait(false))
                    {
                        yield return item;
                    }
                    break;
                case "ERROR":
                    var error = await _source.ReadValueAsync(ElementReader, null, cancellationToken).ConfigureAwait(false);
                    throw new ArcGisServiceException(error.Int32("code") ?? 500, error.Str("message") ?? "(no message)",
                        error.StrArray("details"), error.Str("messageCode"), _options.SourceName);
                case "LAYERSERVERGENS":
                    var gens = await _source.ReadValueAsync(ElementReader, null, cancellationToken).ConfigureAwait(false);
                    _header = _header with { LayerServerGens = ParseLayerServerGens(gens) };
                    break;
                default:
                    var value = await _source.ReadValueAsync(ScalarReader, null, cancellationToken).ConfigureAwait(false);
                    _header = Apply(_header, name, value);
                    break;
            }
        }
        yield return new ReplicaCompleted(_header);
    }

    public ValueTask DisposeAsync()
    {
        _source.Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _source.Dispose();

    internal static IReadOnlyList<LayerServerGen> ParseLayerServerGens(JsonElement element)
    {
        var list = new List<LayerServerGen>();
        if (element.ValueKind != JsonValueKind.Array)
        {
            return list;
        }
        foreach (var entry in element.EnumerateArray())
        {
            if (entry.Int32("id") is { } id && entry.Int64("serverGen") is { } gen)
            {
                list.Add(new LayerServerGen(id, gen, entry.Int64("serverSibGen")));
            }
        }
        return list;
    }

    private static ReplicaHeader Apply(ReplicaHeader header, string name, object? value)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        return name.ToUpperInvariant() switch
        {
            "REPLICANAME" => header with { ReplicaName = text },
            "REPLICAID" => header with { ReplicaId = text },
            "SYNCMODEL" => header with { SyncModel = text },
            "TRANSPORTTYPE" => header with { TransportType = text },
            "RESPONSETYPE" => header with { ResponseType = text },
            "TARGETTYPE" => header with { TargetType = text },
            "REPLICASERVERGEN" => header with { ReplicaServerGen = Generation(value) },
            "REPLICASERVERSIBGEN" => header with { ReplicaServerSibGen = Generation(value) },
            _ => header,
        };
    }

    /// <summary>Generation numbers arrive as numbers or as strings.</summary>
    private static long? Generation(object? value) => value switch
    {
        long l => l,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9.2e18 => (long)d,
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private async IAsyncEnumerable<ReplicaItem> ReadLayerArrayAsync(bool edits, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = await _source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        if (first.Type == JsonTokenType.Null)
        {
            yield break;
        }
        if (first.Type != JsonTokenType.StartArray)
        {
            throw _source.Unexpected(first, edits ? "the edits array" : "the layers array");
        }
        while (true)
        {
            var token = await _source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            if (token.Type == JsonTokenType.EndArray)
            {
                yield break;
            }
            if (token.Type != JsonTokenType.StartObject)
            {
                throw _source.Unexpected(token, "a layer object");
            }
            await foreach (var item in ReadLayerAsync(edits, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    /// <summary>One layer object (its <c>{</c> already read): <c>id</c>, <c>features</c>, <c>attachments</c>, in any order.</summary>
    private async IAsyncEnumerable<ReplicaItem> ReadLayerAsync(bool edits, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int? layerId = null;
        var counters = new LayerCounters();
        List<(string Part, FileStream File)>? pending = null;
        try
        {
            while (true)
            {
                var token = await _source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
                if (token.Type == JsonTokenType.EndObject)
                {
                    break;
                }
                var part = token.Text!.ToUpperInvariant();
                if (part == "ID")
                {
                    var value = await _source.ReadValueAsync(ScalarReader, null, cancellationToken).ConfigureAwait(false);
                    layerId = Generation(value) is { } id and >= int.MinValue and <= int.MaxValue
                        ? (int)id
                        : throw _source.Invalid($"a layer id must be an integer, not '{value}'.");
                    yield return new ReplicaLayerStarted(layerId.Value);
                    if (pending is not null)
                    {
                        foreach (var (spilledPart, file) in pending)
                        {
                            file.Position = 0;
                            using var replay = new StreamingJsonSource(file, _options.SourceName, _options.InitialBufferSize, _options.MaxBufferSize, leaveOpen: true);
                            await foreach (var item in ReadPartAsync(replay, spilledPart, layerId.Value, edits, counters, cancellationToken).ConfigureAwait(false))
                            {
                                yield return item;
                            }
                        }
                        DisposeAll(pending);
                        pending = null;
                    }
                }
                else if (part is "FEATURES" or "ATTACHMENTS")
                {
                    if (layerId is { } known)
                    {
                        await foreach (var item in ReadPartAsync(_source, part, known, edits, counters, cancellationToken).ConfigureAwait(false))
                        {
                            yield return item;
                        }
                    }
                    else
                    {
                        // The id comes later: keep this part's raw JSON aside and replay it once the id is known.
                        Directory.CreateDirectory(_options.TemporaryDirectory);
                        var path = Path.Combine(_options.TemporaryDirectory, "replica-part-" + Guid.NewGuid().ToString("N") + ".json");
                        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
                            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                        (pending ??= []).Add((part, file));
                        await _source.CopyValueToAsync(file, cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    await _source.SkipValueAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            if (pending is not null)
            {
                throw _source.Invalid("a layer has features or attachments but no id.");
            }
            if (layerId is { } completed)
            {
                yield return new ReplicaLayerCompleted(completed, counters.Features, counters.Attachments, counters.Deletions);
            }
        }
        finally
        {
            if (pending is not null)
            {
                DisposeAll(pending);
            }
        }
    }

    /// <summary>
    /// A layer's <c>features</c> or <c>attachments</c>: an array for replica data, or an object of
    /// <c>adds</c>/<c>updates</c>/<c>deleteIds</c> arrays for a sync delta.
    /// </summary>
    private async IAsyncEnumerable<ReplicaItem> ReadPartAsync(StreamingJsonSource source, string part, int layerId, bool edits,
        LayerCounters counters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var isAttachments = part == "ATTACHMENTS";
        var first = await source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        if (first.Type == JsonTokenType.Null)
        {
            yield break;
        }
        if (first.Type == JsonTokenType.StartArray)
        {
            var change = edits ? ReplicaChange.Add : ReplicaChange.Data;
            await foreach (var item in ReadArrayAsync(source, layerId, change, isAttachments, counters, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
            yield break;
        }
        if (first.Type != JsonTokenType.StartObject)
        {
            throw source.Unexpected(first, "an array or an object of adds, updates and deleteIds");
        }
        while (true)
        {
            var token = await source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            if (token.Type == JsonTokenType.EndObject)
            {
                yield break;
            }
            var kind = token.Text!.ToUpperInvariant();
            if (kind is "ADDS" or "UPDATES")
            {
                var opening = await source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
                if (opening.Type == JsonTokenType.Null)
                {
                    continue;
                }
                if (opening.Type != JsonTokenType.StartArray)
                {
                    throw source.Unexpected(opening, "an array of " + kind.ToLowerInvariant());
                }
                var change = kind == "ADDS" ? ReplicaChange.Add : ReplicaChange.Update;
                await foreach (var item in ReadArrayAsync(source, layerId, change, isAttachments, counters, cancellationToken).ConfigureAwait(false))
                {
                    yield return item;
                }
            }
            else if (kind is "DELETEIDS" or "DELETES")
            {
                var opening = await source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
                if (opening.Type == JsonTokenType.Null)
                {
                    continue;
                }
                if (opening.Type != JsonTokenType.StartArray)
                {
                    throw source.Unexpected(opening, "an array of deleted ids");
                }
                while (true)
                {
                    var (has, id) = await source.ReadElementAsync(ScalarReader, null, cancellationToken).ConfigureAwait(false);
                    if (!has)
                    {
                        break;
                    }
                    if (id is not null)
                    {
                        counters.Deletions++;
                        yield return new ReplicaDeletion(layerId, Convert.ToString(id, CultureInfo.InvariantCulture)!, isAttachments);
                    }
                }
            }
            else
            {
                await source.SkipValueAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The elements of a features or attachments array (its <c>[</c> already read).</summary>
    private async IAsyncEnumerable<ReplicaItem> ReadArrayAsync(StreamingJsonSource source, int layerId, ReplicaChange change, bool isAttachments,
        LayerCounters counters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!isAttachments)
        {
            var state = new FeatureState(new EsriGeometryContext(), new AttributeNameCache());
            while (true)
            {
                var (has, feature) = await source.ReadElementAsync(FeatureReader, state, cancellationToken, optimistic: true).ConfigureAwait(false);
                if (!has)
                {
                    yield break;
                }
                counters.Features++;
                yield return new ReplicaFeature(layerId, feature, change);
            }
        }
        while (true)
        {
            var token = await source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            if (token.Type == JsonTokenType.EndArray)
            {
                yield break;
            }
            if (token.Type != JsonTokenType.StartObject)
            {
                throw source.Unexpected(token, "an attachment object");
            }
            AttachmentData? data = null;
            try
            {
                var attachment = await ReadAttachmentAsync(source, layerId, change, d => data = d, cancellationToken).ConfigureAwait(false);
                counters.Attachments++;
                yield return attachment;
            }
            finally
            {
                // The consumer has moved on: the decoded data is no longer reachable.
                data?.Dispose();
            }
        }
    }

    private async ValueTask<ReplicaAttachment> ReadAttachmentAsync(StreamingJsonSource source, int layerId, ReplicaChange change,
        Action<AttachmentData> onData, CancellationToken cancellationToken)
    {
        long? id = null, size = null;
        string? globalId = null, parentGlobalId = null, contentType = null, name = null, url = null;
        AttachmentData? data = null;
        while (true)
        {
            var token = await source.ReadTokenAsync(cancellationToken).ConfigureAwait(false);
            if (token.Type == JsonTokenType.EndObject)
            {
                break;
            }
            var key = token.Text!.ToUpperInvariant();
            if (key == "DATA")
            {
                data?.Dispose();
                data = new AttachmentData(_options.AttachmentMemoryThreshold, _options.TemporaryDirectory);
                onData(data);
                if (!await source.ReadBase64ToAsync(data, cancellationToken).ConfigureAwait(false))
                {
                    data.Dispose();
                    data = null;
                }
                continue;
            }
            var value = await source.ReadValueAsync(ScalarReader, null, cancellationToken).ConfigureAwait(false);
            switch (key)
            {
                case "ID" or "ATTACHMENTID" or "OBJECTID":
                    id = Generation(value) ?? id;
                    break;
                case "GLOBALID":
                    globalId = value as string;
                    break;
                case "PARENTGLOBALID":
                    parentGlobalId = value as string;
                    break;
                case "CONTENTTYPE":
                    contentType = value as string;
                    break;
                case "NAME" or "ATT_NAME":
                    name = value as string;
                    break;
                case "SIZE" or "DATA_SIZE":
                    size = Generation(value);
                    break;
                case "URL":
                    url = value as string;
                    break;
            }
        }
        return new ReplicaAttachment(layerId, change, data)
        {
            Id = id,
            GlobalId = globalId,
            ParentGlobalId = parentGlobalId,
            ContentType = contentType,
            Name = name,
            Size = size,
            Url = url,
        };
    }

    private static void DisposeAll(List<(string Part, FileStream File)> pending)
    {
        foreach (var (_, file) in pending)
        {
            file.Dispose();
        }
    }

    private sealed record FeatureState(EsriGeometryContext Context, AttributeNameCache Names);

    private sealed class LayerCounters
    {
        public long Features { get; set; }

        public long Attachments { get; set; }

        public long Deletions { get; set; }
    }
}
