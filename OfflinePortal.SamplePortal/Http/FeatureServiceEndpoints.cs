using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>FeatureServer: metadata, query, queryRelatedRecords, attachments and edits.</summary>
internal sealed class FeatureServiceEndpoints(SampleStore store, TokenService tokens)
{
    public const string Root = "/arcgis/rest/services/{service}/FeatureServer";
    private const string LayerRoute = Root + "/{layerId:int}";

    public static Envelope DataExtent
    {
        get
        {
            var (x0, y0) = WebMercator.FromLonLat(SampleDataGenerator.MinLon, SampleDataGenerator.MinLat);
            var (x1, y1) = WebMercator.FromLonLat(SampleDataGenerator.MaxLon, SampleDataGenerator.MaxLat);
            return new Envelope(x0, x1, y0, y1);
        }
    }

    public void Map(EndpointMapper m)
    {
        m.GetOrPost(Root, ServiceInfo);
        m.GetOrPost(Root + "/layers", AllLayers);
        m.GetOrPost(LayerRoute, LayerInfo);
        m.GetOrPost(LayerRoute + "/query", Query);
        m.GetOrPost(LayerRoute + "/queryRelatedRecords", QueryRelated);
        m.GetOrPost(LayerRoute + "/queryAttachments", QueryAttachments);
        m.GetOrPost(LayerRoute + "/{objectId:long}", FeatureById);
        m.GetOrPost(LayerRoute + "/{objectId:long}/attachments", ListAttachments);
        m.GetOnly(LayerRoute + "/{objectId:long}/attachments/{attachmentId:long}", DownloadAttachment);
        m.PostOnly(LayerRoute + "/{objectId:long}/addAttachment", AddAttachment);
        m.PostOnly(LayerRoute + "/{objectId:long}/updateAttachment", UpdateAttachment);
        m.PostOnly(LayerRoute + "/{objectId:long}/deleteAttachments", DeleteAttachments);
        m.PostOnly(LayerRoute + "/applyEdits", LayerApplyEdits);
        m.PostOnly(LayerRoute + "/addFeatures", AddFeatures);
        m.PostOnly(LayerRoute + "/updateFeatures", UpdateFeatures);
        m.PostOnly(LayerRoute + "/deleteFeatures", DeleteFeatures);
        m.PostOnly(Root + "/applyEdits", ServiceApplyEdits);
    }

    public static ServiceDef ResolveService(ArcGisRequest r)
    {
        var name = (string)r.Context.Request.RouteValues["service"]!;
        return SampleSchema.FindService(name) ?? throw new ArcGisException(400, "Service not found.", $"Service '{name}/FeatureServer' does not exist.");
    }

    public static (ServiceDef Service, LayerDef Layer) Resolve(ArcGisRequest r)
    {
        var service = ResolveService(r);
        var id = int.Parse((string)r.Context.Request.RouteValues["layerId"]!, CultureInfo.InvariantCulture);
        var layer = service.FindLayer(id) ?? throw new ArcGisException(400, "Invalid or missing input parameters.", $"Invalid layer or table ID: {id}.");
        return (service, layer);
    }

    private static long RouteLong(ArcGisRequest r, string name) => long.Parse((string)r.Context.Request.RouteValues[name]!, CultureInfo.InvariantCulture);

    private async Task ServiceInfo(ArcGisRequest r)
    {
        var s = ResolveService(r);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w => FeatureJson.Service(s, DataExtent).WriteTo(w)).ConfigureAwait(false);
    }

    private async Task AllLayers(ArcGisRequest r)
    {
        var s = ResolveService(r);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("layers");
            foreach (var l in s.Layers.Where(l => !l.IsTable))
            {
                FeatureJson.Layer(s, l, DataExtent, store.LastEditDate(l)).WriteTo(w);
            }
            w.WriteEndArray();
            w.WriteStartArray("tables");
            foreach (var l in s.Layers.Where(l => l.IsTable))
            {
                FeatureJson.Layer(s, l, null, store.LastEditDate(l)).WriteTo(w);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task LayerInfo(ArcGisRequest r)
    {
        var (s, l) = Resolve(r);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var json = FeatureJson.Layer(s, l, l.IsTable ? null : DataExtent, store.LastEditDate(l));
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w => json.WriteTo(w)).ConfigureAwait(false);
    }

    /// <summary>Reads a wkid parameter (number or JSON spatial reference) and checks it can be projected.</summary>
    public static int ReadWkid(ArcGisRequest r, string name, int defaultWkid)
    {
        var v = r.Get(name);
        if (v is null)
        {
            return defaultWkid;
        }
        int? wkid;
        try
        {
            wkid = v.TrimStart().StartsWith('{')
                ? EsriGeometryJson.ReadWkid(JsonDocument.Parse(v).RootElement)
                : int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or JsonException or OverflowException)
        {
            throw ArcGisException.BadParameter(name, $"'{v}' is not a spatial reference.");
        }
        if (wkid is not { } id || !WebMercator.IsSupported(id))
        {
            throw ArcGisException.BadParameter(name, $"spatial reference {v} is not supported; use 4326, 3857 or 102100.");
        }
        return id;
    }

    /// <summary>Reads the geometry filter (JSON or "xmin,ymin,xmax,ymax" / "x,y") into Web Mercator.</summary>
    public static Geometry? ReadGeometry(ArcGisRequest r, string name = "geometry")
    {
        var text = r.Get(name);
        if (text is null)
        {
            return null;
        }
        var inSr = ReadWkid(r, "inSR", WebMercator.LatestWkid);
        var type = r.GetEnum("geometryType", "esriGeometryEnvelope", "esriGeometryEnvelope", "esriGeometryPoint", "esriGeometryPolygon", "esriGeometryPolyline", "esriGeometryMultipoint");
        Geometry geometry;
        try
        {
            if (text.TrimStart().StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(text);
                var (g, wkid) = EsriGeometryJson.Read(doc.RootElement);
                if (wkid is { } own)
                {
                    if (!WebMercator.IsSupported(own))
                    {
                        throw ArcGisException.BadParameter(name, $"spatial reference {own} is not supported.");
                    }
                    inSr = own;
                }
                geometry = g;
            }
            else
            {
                var n = text.Split(',').Select(p => double.Parse(p.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
                geometry = n.Length switch
                {
                    4 => EsriGeometryJson.Factory.ToGeometry(new Envelope(Math.Min(n[0], n[2]), Math.Max(n[0], n[2]), Math.Min(n[1], n[3]), Math.Max(n[1], n[3]))),
                    2 => EsriGeometryJson.Factory.CreatePoint(new Coordinate(n[0], n[1])),
                    _ => throw new FormatException("expected xmin,ymin,xmax,ymax or x,y"),
                };
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or IndexOutOfRangeException or KeyNotFoundException or ArgumentException)
        {
            throw ArcGisException.BadParameter(name, e.Message);
        }
        _ = type;
        if (geometry.IsEmpty)
        {
            throw ArcGisException.BadParameter(name, "the geometry is empty.");
        }
        return WebMercator.Project(geometry, inSr, WebMercator.LatestWkid);
    }

    private static List<int> OutFields(LayerDef layer, string? outFields)
    {
        if (string.IsNullOrWhiteSpace(outFields) || outFields.Trim() == "*")
        {
            return [.. Enumerable.Range(0, layer.Fields.Count)];
        }
        var list = new List<int> { 0 };
        foreach (var name in outFields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name == "*")
            {
                return [.. Enumerable.Range(0, layer.Fields.Count)];
            }
            var field = layer.FindField(name) ?? throw new ArcGisException(400, "Cannot perform query. Invalid query parameters.", $"Unknown field '{name}' in outFields.");
            var i = FeatureRow.IndexOf(layer, field.Name);
            if (!list.Contains(i))
            {
                list.Add(i);
            }
        }
        return list;
    }

    private async Task Query(ArcGisRequest r)
    {
        var (_, layer) = Resolve(r);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var spatialRel = r.GetEnum("spatialRel", "esriSpatialRelIntersects", "esriSpatialRelIntersects", "esriSpatialRelEnvelopeIntersects", "esriSpatialRelIndexIntersects");
        _ = spatialRel;
        FeatureFilter filter;
        string? orderBy;
        try
        {
            filter = new FeatureFilter { Where = r.Get("where"), ObjectIds = r.GetIdList("objectIds"), Geometry = ReadGeometry(r) };
            orderBy = FeatureQuery.OrderBy(layer, r.Get("orderByFields"));
            // Parse the where clause now so a bad one is refused before anything is read.
            FeatureQuery.Build(layer, filter, orderBy);
        }
        catch (WhereClauseException e)
        {
            throw new ArcGisException(400, "Cannot perform query. Invalid query parameters.", "'where' parameter is invalid", e.Message);
        }
        var outSr = ReadWkid(r, "outSR", WebMercator.LatestWkid);
        var geojson = r.Format == "geojson";
        if (geojson)
        {
            outSr = WebMercator.Wgs84;
        }
        using var conn = store.Open();
        if (r.GetBool("returnCountOnly", false) && !r.GetBool("returnExtentOnly", false))
        {
            var count = FeatureQuery.Count(conn, layer, filter);
            await ArcGisResponse.WriteObjectAsync(r.Context, geojson ? "json" : r.Format, new { count }).ConfigureAwait(false);
            return;
        }
        if (r.GetBool("returnIdsOnly", false))
        {
            var ids = FeatureQuery.ObjectIds(conn, layer, filter, orderBy);
            await ArcGisResponse.WriteObjectAsync(r.Context, geojson ? "json" : r.Format, new { objectIdFieldName = LayerDef.ObjectIdField, objectIds = ids }).ConfigureAwait(false);
            return;
        }
        if (r.GetBool("returnExtentOnly", false))
        {
            var env = new Envelope();
            long n = 0;
            foreach (var (row, _) in FeatureQuery.Read(conn, layer, filter))
            {
                n++;
                if (row.Geometry is { } g)
                {
                    env.ExpandToInclude(g.EnvelopeInternal);
                }
            }
            var projected = WebMercator.Project(env, WebMercator.LatestWkid, outSr);
            await ArcGisResponse.WriteAsync(r.Context, geojson ? "json" : r.Format, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("count", n);
                w.WritePropertyName("extent");
                if (projected.IsNull)
                {
                    w.WriteNullValue();
                }
                else
                {
                    EsriGeometryJson.WriteEnvelope(w, projected, outSr);
                }
                w.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }
        var offset = r.GetLong("resultOffset", 0, int.MaxValue) ?? 0;
        var requested = r.GetLong("resultRecordCount", 0, int.MaxValue);
        var limit = Math.Min(requested is > 0 ? requested.Value : SampleSchema.MaxRecordCount, SampleSchema.MaxRecordCount);
        var fields = OutFields(layer, r.Get("outFields"));
        var returnGeometry = !layer.IsTable && r.GetBool("returnGeometry", true);
        var rows = FeatureQuery.Read(conn, layer, filter, orderBy, offset, limit + 1).Select(x => x.Row).ToList();
        var exceeded = rows.Count > limit;
        if (exceeded)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            if (geojson)
            {
                WriteGeoJson(w, layer, rows, fields, returnGeometry, exceeded);
                return;
            }
            w.WriteStartObject();
            w.WriteString("objectIdFieldName", LayerDef.ObjectIdField);
            w.WriteStartObject("uniqueIdField");
            w.WriteString("name", LayerDef.ObjectIdField);
            w.WriteBoolean("isSystemMaintained", true);
            w.WriteEndObject();
            w.WriteString("globalIdFieldName", LayerDef.GlobalIdField);
            if (!layer.IsTable)
            {
                w.WriteString("geometryType", layer.EsriGeometryType);
                w.WritePropertyName("spatialReference");
                EsriGeometryJson.WriteSpatialReference(w, outSr);
            }
            FeatureJson.WriteFields(w, layer, fields);
            if (exceeded)
            {
                w.WriteBoolean("exceededTransferLimit", true);
            }
            w.WriteStartArray("features");
            foreach (var row in rows)
            {
                FeatureJson.WriteFeature(w, row, fields, returnGeometry ? outSr : null);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteGeoJson(Utf8JsonWriter w, LayerDef layer, List<FeatureRow> rows, List<int> fields, bool returnGeometry, bool exceeded)
    {
        w.WriteStartObject();
        w.WriteString("type", "FeatureCollection");
        w.WriteStartObject("properties");
        w.WriteBoolean("exceededTransferLimit", exceeded);
        w.WriteEndObject();
        w.WriteStartArray("features");
        foreach (var row in rows)
        {
            w.WriteStartObject();
            w.WriteString("type", "Feature");
            w.WriteNumber("id", row.ObjectId);
            w.WritePropertyName("geometry");
            if (returnGeometry && row.Geometry is { } g)
            {
                EsriGeometryJson.WriteGeoJson(w, WebMercator.Project(g, WebMercator.LatestWkid, WebMercator.Wgs84));
            }
            else
            {
                w.WriteNullValue();
            }
            w.WriteStartObject("properties");
            foreach (var i in fields)
            {
                w.WritePropertyName(layer.Fields[i].Name);
                ArcGisResponse.WriteValue(w, row.Values[i]);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private async Task FeatureById(ArcGisRequest r)
    {
        var (_, layer) = Resolve(r);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var oid = RouteLong(r, "objectId");
        using var conn = store.Open();
        var row = FeatureQuery.Read(conn, layer, new FeatureFilter { ObjectIds = [oid] }).Select(x => x.Row).FirstOrDefault()
            ?? throw new ArcGisException(404, "Invalid or missing input parameters.", $"Feature {oid} does not exist.");
        var all = Enumerable.Range(0, layer.Fields.Count).ToList();
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("feature");
            FeatureJson.WriteFeature(w, row, all, layer.IsTable ? null : WebMercator.LatestWkid);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task QueryRelated(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var ids = r.GetIdList("objectIds") ?? throw new ArcGisException(400, "Unable to perform query.", "'objectIds' parameter is required.");
        var relId = r.GetInt("relationshipId") ?? throw new ArcGisException(400, "Unable to perform query.", "'relationshipId' parameter is required.");
        var rel = service.Relationships.FirstOrDefault(x => x.Id == relId && (x.OriginLayerId == layer.Id || x.DestinationLayerId == layer.Id))
            ?? throw new ArcGisException(400, "Unable to perform query.", $"Relationship {relId} does not involve layer {layer.Id}.");
        var forward = rel.OriginLayerId == layer.Id;
        var related = service.FindLayer(forward ? rel.DestinationLayerId : rel.OriginLayerId)!;
        var myKey = forward ? rel.OriginKey : rel.DestinationKey;
        var theirKey = forward ? rel.DestinationKey : rel.OriginKey;
        var fields = OutFields(related, r.Get("outFields"));
        var outSr = ReadWkid(r, "outSR", WebMercator.LatestWkid);
        var returnGeometry = !related.IsTable && r.GetBool("returnGeometry", true);
        var definition = r.Get("definitionExpression");
        using var conn = store.Open();
        var groups = new List<(long Oid, List<FeatureRow> Rows)>();
        foreach (var source in FeatureQuery.Read(conn, layer, new FeatureFilter { ObjectIds = ids }).Select(x => x.Row))
        {
            var key = source[myKey] as string;
            var rows = key is null ? [] : ReadRelated(conn, related, theirKey, key, definition);
            if (rows.Count > 0)
            {
                groups.Add((source.ObjectId, rows));
            }
        }
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            if (!related.IsTable)
            {
                w.WriteString("geometryType", related.EsriGeometryType);
                w.WritePropertyName("spatialReference");
                EsriGeometryJson.WriteSpatialReference(w, outSr);
            }
            FeatureJson.WriteFields(w, related, fields);
            w.WriteStartArray("relatedRecordGroups");
            foreach (var (oid, rows) in groups)
            {
                w.WriteStartObject();
                w.WriteNumber("objectId", oid);
                w.WriteStartArray("relatedRecords");
                foreach (var row in rows)
                {
                    FeatureJson.WriteFeature(w, row, fields, returnGeometry ? outSr : null);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static List<FeatureRow> ReadRelated(SqliteConnection conn, LayerDef related, string keyField, string key, string? definition)
    {
        var where = $"{keyField} = '{key.Replace("'", "''", StringComparison.Ordinal)}'";
        if (!string.IsNullOrWhiteSpace(definition))
        {
            where = $"({where}) AND ({definition})";
        }
        return [.. FeatureQuery.Read(conn, related, new FeatureFilter { Where = where }).Select(x => x.Row)];
    }

    internal sealed record AttachmentInfo(long Id, string GlobalId, long ParentOid, string ParentGlobalId, string ContentType, long Size, string Name, string? Keywords);

    internal static List<AttachmentInfo> ReadAttachments(SqliteConnection conn, LayerDef layer, string where, Action<SqliteCommand> bind)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT ATTACHMENTID, GLOBALID, REL_OBJECTID, REL_GLOBALID, CONTENT_TYPE, DATA_SIZE, ATT_NAME, KEYWORDS FROM {layer.AttachmentTable} WHERE {where} ORDER BY REL_OBJECTID, ATTACHMENTID";
        bind(cmd);
        using var reader = cmd.ExecuteReader();
        var list = new List<AttachmentInfo>();
        while (reader.Read())
        {
            list.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return list;
    }

    private static void WriteAttachmentInfo(Utf8JsonWriter w, AttachmentInfo a, string? url)
    {
        w.WriteStartObject();
        w.WriteNumber("id", a.Id);
        w.WriteString("globalId", a.GlobalId);
        w.WriteString("parentGlobalId", a.ParentGlobalId);
        w.WriteString("contentType", a.ContentType);
        w.WriteNumber("size", a.Size);
        w.WriteString("name", a.Name);
        w.WriteString("keywords", a.Keywords ?? "");
        if (url is not null)
        {
            w.WriteString("url", url);
        }
        w.WriteEndObject();
    }

    private static LayerDef RequireAttachments(LayerDef layer) =>
        layer.HasAttachments ? layer : throw new ArcGisException(400, "Requested operation is not supported by this service.", $"Layer '{layer.Name}' does not support attachments.");

    private async Task ListAttachments(ArcGisRequest r)
    {
        var (_, layer) = Resolve(r);
        RequireAttachments(layer);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var oid = RouteLong(r, "objectId");
        using var conn = store.Open();
        if (new FeatureEditor(conn, null!, 0, 0, "").FindByObjectId(layer, oid) is null)
        {
            throw new ArcGisException(404, "Feature does not exist.", $"Feature {oid} does not exist.");
        }
        var list = ReadAttachments(conn, layer, "REL_OBJECTID = $o", c => c.Parameters.AddWithValue("$o", oid));
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("attachmentInfos");
            foreach (var a in list)
            {
                WriteAttachmentInfo(w, a, null);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task DownloadAttachment(ArcGisRequest r)
    {
        var (_, layer) = Resolve(r);
        RequireAttachments(layer);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var oid = RouteLong(r, "objectId");
        var id = RouteLong(r, "attachmentId");
        using var conn = store.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT a.CONTENT_TYPE, a.ATT_NAME, b.data FROM {layer.AttachmentTable} a JOIN blobs b ON b.id = a.DATA_ID WHERE a.ATTACHMENTID = $i AND a.REL_OBJECTID = $o";
        cmd.Parameters.AddWithValue("$i", id);
        cmd.Parameters.AddWithValue("$o", oid);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            throw new ArcGisException(404, "Attachment not found.", $"Attachment {id} of feature {oid} does not exist.");
        }
        var bytes = (byte[])reader.GetValue(2);
        r.Context.Response.ContentType = reader.GetString(0);
        r.Context.Response.ContentLength = bytes.Length;
        r.Context.Response.Headers.ContentDisposition = $"inline; filename=\"{reader.GetString(1).Replace("\"", "", StringComparison.Ordinal)}\"";
        await r.Context.Response.Body.WriteAsync(bytes, r.Aborted).ConfigureAwait(false);
    }

    private async Task QueryAttachments(ArcGisRequest r)
    {
        var (_, layer) = Resolve(r);
        RequireAttachments(layer);
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        var oids = r.GetIdList("objectIds");
        var gids = r.Get("globalIds")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(g => GlobalIds.Normalize(g) ?? throw ArcGisException.BadParameter("globalIds", $"'{g}' is not a GlobalID.")).ToList();
        var definition = r.Get("definitionExpression");
        if (oids is null && gids is null && definition is null)
        {
            throw new ArcGisException(400, "Unable to perform query.", "One of objectIds, globalIds or definitionExpression is required.");
        }
        var types = r.Get("attachmentTypes")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var returnUrl = r.GetBool("returnUrl", false);
        using var conn = store.Open();
        var parents = FeatureQuery.Read(conn, layer, new FeatureFilter { Where = definition, ObjectIds = oids, GlobalIds = gids }).Select(x => x.Row.ObjectId).ToHashSet();
        var all = parents.Count == 0 ? [] : ReadAttachments(conn, layer, $"REL_OBJECTID IN ({string.Join(",", parents)})", _ => { });
        if (types is { Length: > 0 })
        {
            all = [.. all.Where(a => types.Any(t => a.ContentType.StartsWith(t.TrimEnd('*').TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))];
        }
        var baseUrl = $"{r.ServicesUrl}/{ResolveService(r).Name}/FeatureServer/{layer.Id}";
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("attachmentGroups");
            foreach (var g in all.GroupBy(a => a.ParentOid))
            {
                w.WriteStartObject();
                w.WriteNumber("parentObjectId", g.Key);
                w.WriteString("parentGlobalId", g.First().ParentGlobalId);
                w.WriteStartArray("attachmentInfos");
                foreach (var a in g)
                {
                    WriteAttachmentInfo(w, a, returnUrl ? $"{baseUrl}/{a.ParentOid}/attachments/{a.Id}" : null);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static ServiceDef RequireEditable(ServiceDef s) =>
        s.Editable ? s : throw new ArcGisException(400, "Requested operation is not supported by this service.", $"Service '{s.Name}' does not support editing (capabilities: {s.Capabilities}).");

    private string Editor(ArcGisRequest r) => tokens.UserOf(r.Token) ?? "";

    /// <summary>Runs edits in one transaction with a new generation; rolls everything back when asked to and an edit failed.</summary>
    internal async Task<T> EditAsync<T>(ServiceDef service, string editor, bool rollbackOnFailure, IEnumerable<LayerDef> touched, Func<FeatureEditor, (T Result, IEnumerable<EditResult> All)> work, CancellationToken ct)
    {
        try
        {
            return await store.WriteAsync((conn, tx) =>
            {
                var gen = SampleStore.NextGeneration(conn, tx, service.Name);
                var editor2 = new FeatureEditor(conn, tx, gen, store.NowMs, editor);
                var (result, all) = work(editor2);
                var failures = all.Where(x => !x.Success).ToList();
                if (rollbackOnFailure && failures.Count > 0)
                {
                    throw new EditsRolledBackException([.. failures.Select(f => $"{(f.ObjectId?.ToString(CultureInfo.InvariantCulture) ?? f.GlobalId ?? "edit")}: {f.Description}")]);
                }
                foreach (var l in touched)
                {
                    SampleStore.TouchLayer(conn, tx, l, store.NowMs);
                }
                return result;
            }, ct).ConfigureAwait(false);
        }
        catch (EditsRolledBackException e)
        {
            throw new ArcGisException(400, "Unable to complete operation.", ["Operation rolled back.", .. e.Failures]);
        }
    }

    private static List<JsonElement> JsonArrayParameter(ArcGisRequest r, string name)
    {
        if (r.GetJson(name) is not { } e)
        {
            return [];
        }
        if (e.ValueKind == JsonValueKind.Object && EsriGeometryJson.TryGetProperty(e, "features", out var f))
        {
            e = f;
        }
        return e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray()] : throw ArcGisException.BadParameter(name, "expected a JSON array of features.");
    }

    private static List<string> DeleteIds(JsonElement? json, string? text)
    {
        if (json is { ValueKind: JsonValueKind.Array } a)
        {
            return [.. a.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : x.GetRawText())];
        }
        return text is null ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private sealed record LayerEditResults(int LayerId, List<EditResult> Adds, List<EditResult> Updates, List<EditResult> Deletes,
        List<EditResult>? AttachmentAdds, List<EditResult>? AttachmentUpdates, List<EditResult>? AttachmentDeletes)
    {
        public IEnumerable<EditResult> All => Adds.Concat(Updates).Concat(Deletes).Concat(AttachmentAdds ?? []).Concat(AttachmentUpdates ?? []).Concat(AttachmentDeletes ?? []);
    }

    private static LayerEditResults ApplyLayerEdits(FeatureEditor ed, LayerDef layer, List<JsonElement> adds, List<JsonElement> updates, List<string> deletes, JsonElement? attachments, bool useGlobalIds)
    {
        var addResults = adds.Select(a => ed.Add(layer, a, keepGlobalId: useGlobalIds)).ToList();
        var updateResults = updates.Select(u => ed.Update(layer, u, byGlobalId: useGlobalIds)).ToList();
        var deleteResults = deletes.Select(d => ed.Delete(layer, d, byGlobalId: useGlobalIds)).ToList();
        List<EditResult>? aa = null, au = null, ad = null;
        if (attachments is { ValueKind: JsonValueKind.Object } att)
        {
            if (!useGlobalIds)
            {
                throw new ArcGisException(400, "Unable to complete operation.", "Attachment edits need useGlobalIds=true.");
            }
            aa = [.. Items(att, "adds").Select(a => ed.AddAttachment(layer, ReadAttachment(a)))];
            au = [.. Items(att, "updates").Select(a => ed.UpdateAttachment(layer, ReadAttachment(a)))];
            ad = [.. Items(att, "deletes").Concat(Items(att, "deleteIds")).Select(d => ed.DeleteAttachmentByGlobalId(layer, d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetRawText(), missingIsSuccess: false))];
        }
        return new LayerEditResults(layer.Id, addResults, updateResults, deleteResults, aa, au, ad);
    }

    internal static IEnumerable<JsonElement> Items(JsonElement obj, string name) =>
        EsriGeometryJson.TryGetProperty(obj, name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    internal static AttachmentData ReadAttachment(JsonElement a)
    {
        string? S(string n) => EsriGeometryJson.TryGetProperty(a, n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        byte[]? data = null;
        if (S("data") is { } b64)
        {
            try
            {
                data = Convert.FromBase64String(b64);
            }
            catch (FormatException)
            {
                throw new ArcGisException(400, "Unable to complete operation.", "Attachment 'data' is not valid base64.");
            }
        }
        return new AttachmentData(S("globalId"), S("parentGlobalId"), null, S("name"), S("contentType"), data, S("keywords"));
    }

    private static void WriteLayerResults(Utf8JsonWriter w, LayerEditResults x, bool withId)
    {
        w.WriteStartObject();
        if (withId)
        {
            w.WriteNumber("id", x.LayerId);
        }
        FeatureJson.WriteResults(w, "addResults", x.Adds);
        FeatureJson.WriteResults(w, "updateResults", x.Updates);
        FeatureJson.WriteResults(w, "deleteResults", x.Deletes);
        if (x.AttachmentAdds is not null)
        {
            w.WriteStartObject("attachments");
            FeatureJson.WriteResults(w, "addResults", x.AttachmentAdds);
            FeatureJson.WriteResults(w, "updateResults", x.AttachmentUpdates!);
            FeatureJson.WriteResults(w, "deleteResults", x.AttachmentDeletes!);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private async Task LayerApplyEdits(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        RequireEditable(service);
        var useGlobalIds = r.GetBool("useGlobalIds", false);
        var adds = JsonArrayParameter(r, "adds");
        var updates = JsonArrayParameter(r, "updates");
        var deletes = DeleteIds(r.Get("deletes")?.TrimStart().StartsWith('[') == true ? r.GetJson("deletes") : null, r.Get("deletes"));
        var attachments = r.GetJson("attachments");
        var result = await EditAsync(service, Editor(r), r.GetBool("rollbackOnFailure", true), [layer], ed =>
        {
            var x = ApplyLayerEdits(ed, layer, adds, updates, deletes, attachments, useGlobalIds);
            return (x, x.All);
        }, r.Aborted).ConfigureAwait(false);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w => WriteLayerResults(w, result, withId: false)).ConfigureAwait(false);
    }

    private async Task ServiceApplyEdits(ArcGisRequest r)
    {
        var service = RequireEditable(ResolveService(r));
        var useGlobalIds = r.GetBool("useGlobalIds", false);
        var edits = r.GetJson("edits") ?? throw new ArcGisException(400, "Unable to complete operation.", "'edits' parameter is required.");
        if (edits.ValueKind != JsonValueKind.Array)
        {
            throw ArcGisException.BadParameter("edits", "expected a JSON array of layer edits.");
        }
        var plan = new List<(LayerDef Layer, List<JsonElement> Adds, List<JsonElement> Updates, List<string> Deletes, JsonElement? Attachments)>();
        foreach (var e in edits.EnumerateArray())
        {
            var id = EsriGeometryJson.TryGetProperty(e, "id", out var idEl) && idEl.TryGetInt32(out var n) ? n : throw ArcGisException.BadParameter("edits", "each entry needs a numeric 'id'.");
            var layer = service.FindLayer(id) ?? throw new ArcGisException(400, "Invalid or missing input parameters.", $"Invalid layer or table ID: {id}.");
            JsonElement? del = EsriGeometryJson.TryGetProperty(e, "deletes", out var d) ? d : null;
            plan.Add((layer, [.. Items(e, "adds")], [.. Items(e, "updates")],
                DeleteIds(del, del is { ValueKind: JsonValueKind.String } s ? s.GetString() : null),
                EsriGeometryJson.TryGetProperty(e, "attachments", out var att) ? att : null));
        }
        var results = await EditAsync(service, Editor(r), r.GetBool("rollbackOnFailure", true), plan.Select(p => p.Layer).Distinct(), ed =>
        {
            var list = plan.Select(p => ApplyLayerEdits(ed, p.Layer, p.Adds, p.Updates, p.Deletes, p.Attachments, useGlobalIds)).ToList();
            return (list, list.SelectMany(x => x.All));
        }, r.Aborted).ConfigureAwait(false);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartArray();
            foreach (var x in results)
            {
                WriteLayerResults(w, x, withId: true);
            }
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private async Task AddFeatures(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        RequireEditable(service);
        var features = JsonArrayParameter(r, "features");
        var results = await EditAsync(service, Editor(r), r.GetBool("rollbackOnFailure", true), [layer], ed =>
        {
            var list = features.Select(f => ed.Add(layer, f, keepGlobalId: r.GetBool("useGlobalIds", false))).ToList();
            return (list, list);
        }, r.Aborted).ConfigureAwait(false);
        await WriteSingle(r, "addResults", results).ConfigureAwait(false);
    }

    private async Task UpdateFeatures(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        RequireEditable(service);
        var features = JsonArrayParameter(r, "features");
        var results = await EditAsync(service, Editor(r), r.GetBool("rollbackOnFailure", true), [layer], ed =>
        {
            var list = features.Select(f => ed.Update(layer, f, byGlobalId: false)).ToList();
            return (list, list);
        }, r.Aborted).ConfigureAwait(false);
        await WriteSingle(r, "updateResults", results).ConfigureAwait(false);
    }

    private async Task DeleteFeatures(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        RequireEditable(service);
        var ids = r.GetIdList("objectIds");
        var where = r.Get("where");
        var geometry = ReadGeometry(r);
        if (ids is null && where is null && geometry is null)
        {
            throw new ArcGisException(400, "Unable to complete operation.", "One of objectIds, where or geometry is required.");
        }
        List<long> targets;
        await store.EnsureReadyAsync(r.Aborted).ConfigureAwait(false);
        using (var conn = store.Open())
        {
            targets = FeatureQuery.ObjectIds(conn, layer, new FeatureFilter { ObjectIds = ids, Where = where, Geometry = geometry }, null);
        }
        var results = await EditAsync(service, Editor(r), r.GetBool("rollbackOnFailure", true), [layer], ed =>
        {
            var list = targets.Select(id => ed.Delete(layer, id.ToString(CultureInfo.InvariantCulture), byGlobalId: false)).ToList();
            return (list, list);
        }, r.Aborted).ConfigureAwait(false);
        await WriteSingle(r, "deleteResults", results).ConfigureAwait(false);
    }

    private static Task WriteSingle(ArcGisRequest r, string name, List<EditResult> results) =>
        ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            FeatureJson.WriteResults(w, name, results);
            w.WriteEndObject();
        });

    private async Task<byte[]> ReadUploadedFile(ArcGisRequest r)
    {
        var file = r.Files?.GetFile("attachment") ?? r.Files?.FirstOrDefault();
        if (file is null)
        {
            if (r.Get("uploadId") is not null)
            {
                throw new ArcGisException(400, "Unable to add attachment.", "Uploads (uploadId) are not supported by this server; send the file as 'attachment' in a multipart form.");
            }
            throw new ArcGisException(400, "Unable to add attachment.", "The multipart form needs a file part named 'attachment'.");
        }
        using var ms = new MemoryStream();
        await file.CopyToAsync(ms, r.Aborted).ConfigureAwait(false);
        return ms.ToArray();
    }

    private async Task AddAttachment(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        RequireEditable(service);
        RequireAttachments(layer);
        var oid = RouteLong(r, "objectId");
        var file = r.Files?.GetFile("attachment") ?? r.Files?.FirstOrDefault();
        var bytes = await ReadUploadedFile(r).ConfigureAwait(false);
        var result = await EditAsync(service, Editor(r), false, [layer], ed =>
        {
            var x = ed.AddAttachment(layer, new AttachmentData(r.Get("globalId"), null, oid, file?.FileName, file?.ContentType, bytes, r.Get("keywords")));
            return (x, (IEnumerable<EditResult>)[x]);
        }, r.Aborted).ConfigureAwait(false);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("addAttachmentResult");
            FeatureJson.WriteResult(w, result);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task UpdateAttachment(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        RequireEditable(service);
        RequireAttachments(layer);
        var attId = r.GetLong("attachmentId") ?? throw new ArcGisException(400, "Unable to update attachment.", "'attachmentId' parameter is required.");
        var file = r.Files?.GetFile("attachment") ?? r.Files?.FirstOrDefault();
        var bytes = await ReadUploadedFile(r).ConfigureAwait(false);
        var result = await EditAsync(service, Editor(r), false, [layer], ed =>
        {
            var x = ed.UpdateAttachment(layer, new AttachmentData(null, null, null, file?.FileName, file?.ContentType, bytes), attId);
            return (x, (IEnumerable<EditResult>)[x]);
        }, r.Aborted).ConfigureAwait(false);
        await ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("updateAttachmentResult");
            FeatureJson.WriteResult(w, result);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task DeleteAttachments(ArcGisRequest r)
    {
        var (service, layer) = Resolve(r);
        RequireEditable(service);
        RequireAttachments(layer);
        var ids = r.GetIdList("attachmentIds") ?? throw new ArcGisException(400, "Unable to delete attachments.", "'attachmentIds' parameter is required.");
        var results = await EditAsync(service, Editor(r), false, [layer], ed =>
        {
            var list = ids.Select(id => ed.DeleteAttachment(layer, id)).ToList();
            return (list, list);
        }, r.Aborted).ConfigureAwait(false);
        await WriteSingle(r, "deleteAttachmentResults", results).ConfigureAwait(false);
    }
}
