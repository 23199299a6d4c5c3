using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis.Http;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Replicas;

namespace OfflinePortal.Core.ArcGis.Features;

/// <summary>
/// A feature service (<c>…/FeatureServer</c>, and feature layers of a MapServer for queries): service and layer
/// metadata, queries (count, ids, pages, everything paged), attachments, and the replica operations
/// (createReplica sync and async with status polling, result download, synchronizeReplica, unRegisterReplica,
/// replica list and info).
/// </summary>
public sealed partial class FeatureServiceClient
{
    private readonly ArcGisHttp _http;

    public FeatureServiceClient(HttpClient httpClient, IOptions<ArcGisClientOptions> options, TimeProvider timeProvider, ILogger<FeatureServiceClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new ArcGisHttp(httpClient, options.Value, timeProvider, logger);
    }

    // ------------------------------------------------------------------ metadata

    /// <summary>The service root: capabilities, sync support, layers and tables, limits, extents.</summary>
    public async Task<FeatureServiceInfo> GetServiceInfoAsync(Uri serviceUrl, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        using var response = await _http.SendJsonAsync(Request(serviceUrl, "service info", credential), cancellationToken).ConfigureAwait(false);
        var root = response.Root;
        if (root.ValueKind != JsonValueKind.Object || (!root.Has("layers") && !root.Has("tables") && !root.Has("capabilities")))
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} is not a feature service description.", response.Url);
        }
        return FeatureServiceInfo.Parse(root);
    }

    /// <summary>A layer's or table's metadata (<c>…/FeatureServer/{id}</c>).</summary>
    public Task<LayerInfo> GetLayerInfoAsync(Uri serviceUrl, int layerId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default) =>
        GetLayerInfoAsync(LayerUrl(serviceUrl, layerId), credential, cancellationToken);

    /// <summary>A layer's or table's metadata from its own URL.</summary>
    public async Task<LayerInfo> GetLayerInfoAsync(Uri layerUrl, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        using var response = await _http.SendJsonAsync(Request(layerUrl, "layer info", credential), cancellationToken).ConfigureAwait(false);
        var root = response.Root;
        if (root.ValueKind != JsonValueKind.Object || root.Int32("id") is null || (!root.Has("fields") && !root.Has("type")))
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} is not a layer description.", response.Url);
        }
        return LayerInfoParser.Parse(root);
    }

    // ------------------------------------------------------------------ query

    /// <summary>How many features match (<c>returnCountOnly</c>).</summary>
    public async Task<long> QueryCountAsync(Uri layerUrl, FeatureQuery? query = null, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var request = QueryRequest(layerUrl, (query ?? new FeatureQuery()) with { ResultOffset = null, ResultRecordCount = null, OrderByFields = null }, credential)
            .Add("returnCountOnly", true);
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Root.Int64("count")
            ?? throw new ArcGisProtocolException($"The count query of {ArcGisUrl.Redact(response.Url)} answered without a count.", response.Url);
    }

    /// <summary>The object ids that match (<c>returnIdsOnly</c>), in the order the service sent them.</summary>
    public async Task<FeatureIdSet> QueryObjectIdsAsync(Uri layerUrl, FeatureQuery? query = null, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        var request = QueryRequest(layerUrl, (query ?? new FeatureQuery()) with { ResultOffset = null, ResultRecordCount = null, OrderByFields = null }, credential)
            .Add("returnIdsOnly", true);
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        var root = response.Root;
        if (!root.Has("objectIds") && !root.Has("objectIdFieldName"))
        {
            throw new ArcGisProtocolException($"The ids query of {ArcGisUrl.Redact(response.Url)} answered without object ids.", response.Url);
        }
        var ids = root.Array("objectIds").Select(JsonElementExtensions.AsInt64).Where(i => i is not null).Select(i => i!.Value).ToList();
        return new FeatureIdSet(root.Str("objectIdFieldName") ?? "OBJECTID", ids);
    }

    /// <summary>One page of features, with <c>exceededTransferLimit</c>.</summary>
    public async Task<FeatureQueryPage> QueryPageAsync(Uri layerUrl, FeatureQuery? query = null, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        using var response = await _http.SendJsonAsync(QueryRequest(layerUrl, query ?? new FeatureQuery(), credential), cancellationToken).ConfigureAwait(false);
        try
        {
            return ParseQueryPage(response.Body.Span);
        }
        catch (JsonException e)
        {
            throw new ArcGisProtocolException($"The query answer of {ArcGisUrl.Redact(response.Url)} is not a feature set: {e.Message}", response.Url, e);
        }
    }

    /// <summary>
    /// Every matching feature, page after page. With <c>supportsPagination</c> it pages with
    /// <c>resultOffset</c>/<c>resultRecordCount</c> (always sending the page size: some services, Koop among them,
    /// return everything otherwise) while <c>exceededTransferLimit</c> is true; without it, it fetches the ids and then
    /// the features in chunks of <c>objectIds</c>. The page size is the query's <see cref="FeatureQuery.ResultRecordCount"/>
    /// or the layer's maxRecordCount.
    /// </summary>
    /// <param name="layer">The layer's metadata, when already known (read otherwise).</param>
    public async IAsyncEnumerable<EsriFeature> QueryAllAsync(Uri layerUrl, FeatureQuery? query = null, LayerInfo? layer = null,
        ArcGisCredential? credential = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        layer ??= await GetLayerInfoAsync(layerUrl, credential, cancellationToken).ConfigureAwait(false);
        var baseQuery = query ?? new FeatureQuery();
        var pageSize = Math.Max(1, baseQuery.ResultRecordCount ?? (layer.MaxRecordCount > 0 ? layer.MaxRecordCount : 1000));
        if (layer.SupportsPagination)
        {
            var ordered = baseQuery with
            {
                OrderByFields = baseQuery.OrderByFields ?? (layer.SupportsOrderBy ? layer.ObjectIdField + " ASC" : null),
            };
            var offset = baseQuery.ResultOffset ?? 0;
            string? previousFirst = null;
            while (true)
            {
                var page = await QueryPageAsync(layerUrl, ordered with { ResultOffset = offset, ResultRecordCount = pageSize }, credential, cancellationToken)
                    .ConfigureAwait(false);
                var first = page.Features.Count > 0 ? Convert.ToString(page.Features[0].GetAttribute(layer.ObjectIdField), CultureInfo.InvariantCulture) : null;
                if (first is not null && first == previousFirst)
                {
                    throw new ArcGisProtocolException(
                        $"The service at {ArcGisUrl.Redact(layerUrl)} returned the same page twice: it ignores resultOffset although it claims supportsPagination.",
                        layerUrl.OriginalString);
                }
                previousFirst = first;
                foreach (var feature in page.Features)
                {
                    yield return feature;
                }
                if (!page.ExceededTransferLimit)
                {
                    yield break;
                }
                if (page.Features.Count == 0)
                {
                    LogEmptyPage(_http.Logger, ArcGisUrl.Redact(layerUrl), offset);
                    yield break;
                }
                offset += page.Features.Count;
            }
        }
        var ids = await QueryObjectIdsAsync(layerUrl, baseQuery, credential, cancellationToken).ConfigureAwait(false);
        var sorted = ids.ObjectIds.Order().ToList();
        for (var start = 0; start < sorted.Count; start += pageSize)
        {
            var chunk = sorted.GetRange(start, Math.Min(pageSize, sorted.Count - start));
            var page = await QueryPageAsync(layerUrl, baseQuery with { ObjectIds = chunk, ResultOffset = null, ResultRecordCount = null, OrderByFields = null },
                credential, cancellationToken).ConfigureAwait(false);
            foreach (var feature in page.Features)
            {
                yield return feature;
            }
        }
    }

    /// <summary>Reads an Esri JSON feature set: metadata first (it may come after the features), then the features.</summary>
    internal static FeatureQueryPage ParseQueryPage(ReadOnlySpan<byte> body)
    {
        var options = new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
        var reader = new Utf8JsonReader(body, options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a feature set must be a JSON object");
        }
        var exceeded = false;
        var sawFeatures = false;
        string? oidField = null, globalIdField = null;
        var geometryType = EsriGeometryType.None;
        SpatialReference? sr = null;
        bool? hasZ = null, hasM = null;
        var fields = new List<EsriField>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name.ToUpperInvariant())
            {
                case "EXCEEDEDTRANSFERLIMIT":
                    exceeded = reader.TokenType == JsonTokenType.True;
                    break;
                case "OBJECTIDFIELDNAME":
                    oidField = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    break;
                case "GLOBALIDFIELDNAME":
                    globalIdField = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    break;
                case "GEOMETRYTYPE":
                    geometryType = reader.TokenType == JsonTokenType.String ? EsriGeometry.ParseType(reader.GetString()) : EsriGeometryType.None;
                    break;
                case "SPATIALREFERENCE":
                    sr = EsriJson.ReadSpatialReference(ref reader);
                    break;
                case "HASZ":
                    hasZ = reader.TokenType == JsonTokenType.True;
                    break;
                case "HASM":
                    hasM = reader.TokenType == JsonTokenType.True;
                    break;
                case "FIELDS" when reader.TokenType == JsonTokenType.StartArray:
                    using (var document = JsonDocument.ParseValue(ref reader))
                    {
                        fields.AddRange(document.RootElement.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object).Select(LayerInfoParser.ParseField));
                    }
                    break;
                case "FEATURES":
                    sawFeatures = true;
                    reader.Skip();
                    break;
                case "PROPERTIES" when reader.TokenType == JsonTokenType.StartObject:
                    // GeoJSON answers carry exceededTransferLimit here.
                    using (var document = JsonDocument.ParseValue(ref reader))
                    {
                        exceeded |= document.RootElement.Bool("exceededTransferLimit");
                    }
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (!sawFeatures)
        {
            throw new JsonException("no features array");
        }
        var context = new EsriGeometryContext(geometryType, hasZ, hasM, sr);
        var names = new AttributeNameCache();
        var features = new List<EsriFeature>();
        reader = new Utf8JsonReader(body, options);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFeatures = reader.ValueTextEquals("features"u8) || string.Equals(reader.GetString(), "features", StringComparison.OrdinalIgnoreCase);
            reader.Read();
            if (!isFeatures || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                features.Add(EsriJson.ReadFeature(ref reader, context, names));
            }
        }
        return new FeatureQueryPage(features, exceeded)
        {
            ObjectIdFieldName = oidField,
            GlobalIdFieldName = string.IsNullOrEmpty(globalIdField) ? null : globalIdField,
            GeometryType = geometryType,
            SpatialReference = sr,
            HasZ = hasZ ?? false,
            HasM = hasM ?? false,
            Fields = fields,
        };
    }

    // ------------------------------------------------------------------ attachments

    /// <summary>The attachments of one feature (<c>/{layer}/{oid}/attachments</c>).</summary>
    public async Task<IReadOnlyList<AttachmentInfo>> GetAttachmentsAsync(Uri layerUrl, long objectId, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        var url = ArcGisUrl.Append(layerUrl, objectId.ToString(CultureInfo.InvariantCulture) + "/attachments");
        using var response = await _http.SendJsonAsync(Request(url, "attachments", credential), cancellationToken).ConfigureAwait(false);
        if (!response.Root.Has("attachmentInfos"))
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} holds no attachmentInfos.", response.Url);
        }
        return response.Root.Array("attachmentInfos").Where(a => a.ValueKind == JsonValueKind.Object).Select(AttachmentInfo.Parse).ToList();
    }

    /// <summary>
    /// <c>queryAttachments</c>: the attachments of the features with <paramref name="objectIds"/> (a few hundred per
    /// call), grouped by feature. Needs <see cref="LayerInfo.SupportsQueryAttachments"/>.
    /// </summary>
    public async Task<IReadOnlyList<AttachmentGroup>> QueryAttachmentsAsync(Uri layerUrl, IReadOnlyList<long> objectIds, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objectIds);
        if (objectIds.Count == 0)
        {
            return [];
        }
        var request = new ArcGisRequest(ArcGisUrl.Append(layerUrl, "queryAttachments"), "queryAttachments")
        {
            Credential = credential ?? ArcGisCredential.Anonymous,
            AllowPostFallback = true,
        }.Add("objectIds", string.Join(",", objectIds.Select(i => i.ToString(CultureInfo.InvariantCulture))));
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.Root.Has("attachmentGroups"))
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} holds no attachmentGroups.", response.Url);
        }
        return response.Root.Array("attachmentGroups").Where(g => g.ValueKind == JsonValueKind.Object && g.Int64("parentObjectId") is not null)
            .Select(g => new AttachmentGroup(g.Int64("parentObjectId")!.Value, g.NonEmptyStr("parentGlobalId"),
                g.Array("attachmentInfos").Where(a => a.ValueKind == JsonValueKind.Object).Select(AttachmentInfo.Parse).ToList()))
            .ToList();
    }

    /// <summary>An attachment's bytes, streamed.</summary>
    public async Task<ArcGisDownload> OpenAttachmentAsync(Uri layerUrl, long objectId, long attachmentId, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        var url = ArcGisUrl.Append(layerUrl, string.Create(CultureInfo.InvariantCulture, $"{objectId}/attachments/{attachmentId}"));
        return await OpenFileAsync(url, "attachment", ContentExpectation.Any, credential, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A file by URL (an attachment <c>url</c> of a replica), streamed.</summary>
    public Task<ArcGisDownload> OpenUrlAsync(Uri url, ArcGisCredential? credential = null, CancellationToken cancellationToken = default) =>
        OpenFileAsync(url, "download", ContentExpectation.Any, credential, cancellationToken);

    // ------------------------------------------------------------------ replicas

    /// <summary>
    /// createReplica: submits it and, when the service runs it as a job, polls the status until it completes.
    /// Requires <see cref="ReplicaTransportType.Url"/> (the data is downloaded afterwards with
    /// <see cref="OpenReplicaResultAsync"/>); use <see cref="CreateReplicaEmbeddedAsync"/> for embedded data.
    /// </summary>
    public async Task<ReplicaResult> CreateReplicaAsync(Uri serviceUrl, CreateReplicaParameters parameters, ArcGisCredential? credential = null,
        IProgress<ReplicaJobStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        var submission = await StartCreateReplicaAsync(serviceUrl, parameters, credential, cancellationToken).ConfigureAwait(false);
        if (submission.Result is { } done)
        {
            return done;
        }
        var result = await WaitForReplicaJobAsync(submission.StatusUrl!, credential, progress, cancellationToken).ConfigureAwait(false);
        if (result.ResultUrl is null && !string.Equals(result.ResponseType, "esriReplicaResponseTypeInfo", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArcGisProtocolException($"The createReplica job at {ArcGisUrl.Redact(submission.StatusUrl)} completed without naming a result file.",
                submission.StatusUrl!.OriginalString);
        }
        return result;
    }

    /// <summary>
    /// Submits createReplica. An asynchronous submission returns the status URL to poll (persist it to resume after a
    /// restart, then call <see cref="WaitForReplicaJobAsync"/>); a synchronous one returns the result.
    /// </summary>
    /// <remarks>
    /// Not retried after the request may have reached the server: a lost answer does not mean no replica was
    /// registered, and a blind retry would register a second one.
    /// </remarks>
    public async Task<ReplicaSubmission> StartCreateReplicaAsync(Uri serviceUrl, CreateReplicaParameters parameters, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.TransportType != ReplicaTransportType.Url)
        {
            throw new ArgumentException("CreateReplicaAsync needs TransportType Url; use CreateReplicaEmbeddedAsync for embedded data.", nameof(parameters));
        }
        var request = ReplicaRequest(serviceUrl, "createReplica", parameters.ToParameters(), parameters.Async, credential);
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        var root = response.Root;
        if (ResolveUrl(root.NonEmptyStr("statusUrl"), serviceUrl) is { } statusUrl)
        {
            LogReplicaSubmitted(_http.Logger, ArcGisUrl.Redact(serviceUrl), ArcGisUrl.Redact(statusUrl));
            return new ReplicaSubmission(statusUrl, null);
        }
        var result = ParseResult(root, serviceUrl, status: null);
        if (result.ResultUrl is null && result.ReplicaId is null)
        {
            throw new ArcGisProtocolException(
                $"The service at {ArcGisUrl.Redact(serviceUrl)} did not answer createReplica as a sync-enabled feature service does "
                + $"(no statusUrl, no result URL, no replicaID{(root.Has("fields") ? "; the answer looks like layer metadata" : "")}).",
                response.Url);
        }
        return new ReplicaSubmission(null, result);
    }

    /// <summary>
    /// createReplica with <c>transportType=esriTransportTypeEmbedded</c> and no job: the answer is the replica file itself,
    /// copied unbuffered to <paramref name="destination"/>. Returns the number of bytes written.
    /// </summary>
    public async Task<long> CreateReplicaEmbeddedAsync(Uri serviceUrl, CreateReplicaParameters parameters, Stream destination,
        ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(destination);
        var embedded = parameters with { TransportType = ReplicaTransportType.Embedded, Async = false };
        var request = ReplicaRequest(serviceUrl, "createReplica", embedded.ToParameters(), async: false, credential);
        await using var download = await _http.OpenAsync(request, ContentExpectation.Json, cancellationToken).ConfigureAwait(false)
            ?? throw new ArcGisServiceException(404, "Not found", requestUrl: request.Url.OriginalString, httpStatus: 404);
        await download.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        return download.Content.Position;
    }

    /// <summary>
    /// Polls an asynchronous replica job at <paramref name="statusUrl"/> (or <c>statusUrl/status</c> when the plain URL
    /// answers an error) every <see cref="ArcGisClientOptions.JobPollInterval"/> until it reports <c>Completed</c> or
    /// <c>CompletedWithErrors</c>. <c>Failed</c> throws <see cref="ArcGisJobFailedException"/> with the job's message;
    /// any other status keeps polling, up to <see cref="ArcGisClientOptions.JobTimeout"/>.
    /// </summary>
    public async Task<ReplicaResult> WaitForReplicaJobAsync(Uri statusUrl, ArcGisCredential? credential = null, IProgress<ReplicaJobStatus>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statusUrl);
        var time = _http.TimeProvider;
        var deadline = time.GetUtcNow() + _http.Options.JobTimeout;
        Uri? working = null;
        string? previous = null;
        while (true)
        {
            var (status, answeredBy, raw) = await PollOnceAsync(statusUrl, working, credential, cancellationToken).ConfigureAwait(false);
            working = answeredBy;
            if (status.Status != previous)
            {
                LogJobStatus(_http.Logger, ArcGisUrl.Redact(statusUrl), status.Status);
                previous = status.Status;
            }
            progress?.Report(status);
            if (status.IsCompleted)
            {
                return ParseResult(raw, statusUrl, status.Status) with { Status = status.Status };
            }
            if (status.IsFailed)
            {
                throw new ArcGisJobFailedException(
                    $"The replica job at {ArcGisUrl.Redact(statusUrl)} failed: {status.StatusMessage ?? status.Status}.", status.Status, statusUrl.OriginalString);
            }
            if (time.GetUtcNow() >= deadline)
            {
                throw new ArcGisJobFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"The replica job at {ArcGisUrl.Redact(statusUrl)} did not finish within {_http.Options.JobTimeout} (last status {status.Status})."),
                    status.Status, statusUrl.OriginalString);
            }
            await Task.Delay(_http.Options.JobPollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens the replica's data file (or sync delta) for streaming, e.g. into a <see cref="ReplicaJsonReader"/>.</summary>
    public Task<ArcGisDownload> OpenReplicaResultAsync(Uri resultUrl, ArcGisCredential? credential = null, CancellationToken cancellationToken = default) =>
        OpenFileAsync(resultUrl, "replica download", ContentExpectation.Json, credential, cancellationToken);

    /// <summary>
    /// Downloads the replica's data file into <paramref name="destination"/>; a seekable destination (a file) is
    /// restarted from its start when the connection drops. Returns the bytes written.
    /// </summary>
    public Task<long> DownloadReplicaResultAsync(Uri resultUrl, Stream destination, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resultUrl);
        ArgumentNullException.ThrowIfNull(destination);
        var request = new ArcGisRequest(resultUrl, "replica download") { Credential = credential ?? ArcGisCredential.Anonymous, AddFormatJson = false };
        return _http.DownloadToAsync(request, ContentExpectation.Json, destination, cancellationToken);
    }

    /// <summary>
    /// synchronizeReplica: uploads the edits and asks for the server's changes; polls when asynchronous. Not retried
    /// once it may have reached the server (see remarks of <see cref="StartCreateReplicaAsync"/>); the caller re-runs a
    /// sync that failed midway (uploads are keyed by GlobalID, so a repeat cannot duplicate).
    /// </summary>
    public async Task<SynchronizeReplicaResult> SynchronizeReplicaAsync(Uri serviceUrl, SynchronizeReplicaParameters parameters,
        ArcGisCredential? credential = null, IProgress<ReplicaJobStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentException.ThrowIfNullOrWhiteSpace(parameters.ReplicaId, nameof(parameters));
        var request = ReplicaRequest(serviceUrl, "synchronizeReplica", parameters.ToParameters(), parameters.Async, credential);
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        var root = response.Root;
        if (ResolveUrl(root.NonEmptyStr("statusUrl"), serviceUrl) is { } statusUrl)
        {
            var job = await WaitForReplicaJobAsync(statusUrl, credential, progress, cancellationToken).ConfigureAwait(false);
            return new SynchronizeReplicaResult
            {
                ReplicaId = job.ReplicaId ?? parameters.ReplicaId,
                ReplicaName = job.ReplicaName,
                ResponseType = job.ResponseType,
                ResultUrl = job.ResultUrl,
                ReplicaServerGen = job.ReplicaServerGen,
                LayerServerGens = job.LayerServerGens,
                Status = job.Status,
                Raw = root.Clone(),
            };
        }
        var result = ParseResult(root, serviceUrl, status: null);
        return new SynchronizeReplicaResult
        {
            ReplicaId = result.ReplicaId ?? parameters.ReplicaId,
            ReplicaName = result.ReplicaName,
            ResponseType = result.ResponseType,
            ResultUrl = result.ResultUrl,
            ReplicaServerGen = result.ReplicaServerGen,
            LayerServerGens = result.LayerServerGens,
            Raw = root.Clone(),
        };
    }

    /// <summary>unRegisterReplica: retires a replica on the server.</summary>
    public async Task<bool> UnregisterReplicaAsync(Uri serviceUrl, string replicaId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replicaId);
        // Repeating an unregister is harmless (the second one reports the replica unknown), so it may be retried.
        var request = new ArcGisRequest(ArcGisUrl.Append(serviceUrl, "unRegisterReplica"), "unRegisterReplica")
        {
            Method = HttpMethod.Post,
            Credential = credential ?? ArcGisCredential.Anonymous,
        }.Add("replicaID", replicaId);
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Root.Bool("success");
    }

    /// <summary>The replicas the caller may see (<c>/replicas</c>).</summary>
    public async Task<IReadOnlyList<ReplicaListEntry>> GetReplicasAsync(Uri serviceUrl, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        using var response = await _http.SendJsonAsync(Request(ArcGisUrl.Append(serviceUrl, "replicas"), "replicas", credential), cancellationToken).ConfigureAwait(false);
        var root = response.Root;
        var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : root.Array("replicas");
        return items.Where(r => r.ValueKind == JsonValueKind.Object && r.Str("replicaID") is not null)
            .Select(r => new ReplicaListEntry(r.Str("replicaName") ?? "", r.Str("replicaID")!)).ToList();
    }

    /// <summary>Replica info (<c>/replicas/{id}</c>): generations, sync model and direction, layer definitions.</summary>
    public async Task<ReplicaInfo> GetReplicaInfoAsync(Uri serviceUrl, string replicaId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replicaId);
        var url = ArcGisUrl.Append(serviceUrl, "replicas/" + Uri.EscapeDataString(replicaId.Trim('{', '}')));
        using var response = await _http.SendJsonAsync(Request(url, "replica info", credential), cancellationToken).ConfigureAwait(false);
        if (response.Root.Str("replicaID") is null)
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} is not replica info.", response.Url);
        }
        return ReplicaInfo.Parse(response.Root);
    }

    // ------------------------------------------------------------------ helpers

    private static Uri LayerUrl(Uri serviceUrl, int layerId) => ArcGisUrl.Append(serviceUrl, layerId.ToString(CultureInfo.InvariantCulture));

    private static ArcGisRequest Request(Uri url, string operation, ArcGisCredential? credential) =>
        new(url, operation) { Credential = credential ?? ArcGisCredential.Anonymous };

    private static ArcGisRequest QueryRequest(Uri layerUrl, FeatureQuery query, ArcGisCredential? credential) =>
        new ArcGisRequest(ArcGisUrl.Append(layerUrl, "query"), "query")
        {
            Credential = credential ?? ArcGisCredential.Anonymous,
            AllowPostFallback = true,
        }.AddRange(query.ToParameters());

    private ArcGisRequest ReplicaRequest(Uri serviceUrl, string operation, IEnumerable<KeyValuePair<string, string?>> parameters, bool async,
        ArcGisCredential? credential) =>
        new ArcGisRequest(ArcGisUrl.Append(serviceUrl, operation), operation)
        {
            Method = HttpMethod.Post,
            Credential = credential ?? ArcGisCredential.Anonymous,
            RetrySafe = false,
            AttemptTimeout = async ? null : _http.Options.LongRequestTimeout,
        }.AddRange(parameters);

    private async Task<ArcGisDownload> OpenFileAsync(Uri url, string operation, ContentExpectation expectation, ArcGisCredential? credential,
        CancellationToken cancellationToken)
    {
        var request = new ArcGisRequest(url, operation) { Credential = credential ?? ArcGisCredential.Anonymous, AddFormatJson = false };
        return await _http.OpenAsync(request, expectation, cancellationToken).ConfigureAwait(false)
            ?? throw new ArcGisServiceException(404, "Not found", requestUrl: url.OriginalString, httpStatus: 404);
    }

    private async Task<(ReplicaJobStatus Status, Uri AnsweredBy, JsonElement Raw)> PollOnceAsync(Uri statusUrl, Uri? working, ArcGisCredential? credential,
        CancellationToken cancellationToken)
    {
        Uri[] candidates = working is not null ? [working] : [statusUrl, ArcGisUrl.Append(statusUrl, "status")];
        for (var i = 0; ; i++)
        {
            var candidate = candidates[i];
            try
            {
                using var response = await _http.SendJsonAsync(Request(candidate, "replica job status", credential), cancellationToken).ConfigureAwait(false);
                var root = response.Root;
                var status = root.Str("status") ?? root.Str("jobStatus");
                if (status is null)
                {
                    if (i + 1 < candidates.Length)
                    {
                        continue;
                    }
                    throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} holds no job status.", response.Url);
                }
                var raw = root.Clone();
                var parsed = ParseResult(raw, statusUrl, status);
                return (new ReplicaJobStatus(status)
                {
                    ReplicaId = parsed.ReplicaId,
                    ReplicaName = parsed.ReplicaName,
                    ResponseType = parsed.ResponseType,
                    TransportType = parsed.TransportType,
                    ResultUrl = parsed.ResultUrl,
                    SubmissionTime = root.EpochMs("submissionTime"),
                    LastUpdatedTime = root.EpochMs("lastUpdatedTime"),
                    StatusMessage = root.NonEmptyStr("statusMessage") ?? root.NonEmptyStr("message") ?? MessagesOf(root),
                    ReplicaServerGen = parsed.ReplicaServerGen,
                    LayerServerGens = parsed.LayerServerGens,
                }, candidate, raw);
            }
            catch (ArcGisException e) when (i + 1 < candidates.Length && e is ArcGisServiceException or ArcGisProtocolException)
            {
                LogStatusFallback(_http.Logger, ArcGisUrl.Redact(candidate), e.Message);
            }
        }
    }

    private static string? MessagesOf(JsonElement root)
    {
        var messages = root.Array("messages").Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() : m.Str("description")).Where(m => !string.IsNullOrWhiteSpace(m)).ToList();
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    /// <summary>A replica answer: result URL (<c>resultUrl</c>, <c>responseUrl</c> or <c>URL</c>), identity, generations.</summary>
    private static ReplicaResult ParseResult(JsonElement root, Uri baseUrl, string? status) => new()
    {
        ReplicaId = root.NonEmptyStr("replicaID"),
        ReplicaName = root.NonEmptyStr("replicaName"),
        ResultUrl = ResolveUrl(root.NonEmptyStr("resultUrl") ?? root.NonEmptyStr("responseUrl") ?? root.NonEmptyStr("URL"), baseUrl),
        ResponseType = root.NonEmptyStr("responseType"),
        TransportType = root.NonEmptyStr("transportType"),
        Status = status,
        ReplicaServerGen = root.Int64("replicaServerGen"),
        LayerServerGens = root.Prop("layerServerGens") is { } gens ? ReplicaJsonReader.ParseLayerServerGens(gens) : [],
    };

    private static Uri? ResolveUrl(string? url, Uri baseUrl)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return absolute;
        }
        var directory = new Uri(ArcGisUrl.WithoutQuery(baseUrl).OriginalString + "/");
        return Uri.TryCreate(directory, url, out var relative) ? relative : null;
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "createReplica on {ServiceUrl} runs as a job; polling {StatusUrl}")]
    private static partial void LogReplicaSubmitted(ILogger logger, string serviceUrl, string statusUrl);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Replica job {StatusUrl}: {Status}")]
    private static partial void LogJobStatus(ILogger logger, string statusUrl, string status);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "The job status at {Url} did not answer ({Reason}); trying its /status variant")]
    private static partial void LogStatusFallback(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Warning, Message = "{LayerUrl} claimed more features at offset {Offset} but sent an empty page; stopping")]
    private static partial void LogEmptyPage(ILogger logger, string layerUrl, long offset);
}
