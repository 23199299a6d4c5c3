using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace OfflinePortal.SamplePortal.Data;

internal sealed record EditResult(long? ObjectId, string? GlobalId, bool Success, int ErrorCode = 0, string? Description = null)
{
    public static EditResult Fail(long? oid, string? gid, int code, string description) => new(oid, gid, false, code, description);
}

/// <summary>A rejected edit: the whole operation is rolled back when rollbackOnFailure is set.</summary>
internal sealed class EditRejectedException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

/// <summary>Raised inside a write transaction to roll it back when rollbackOnFailure is set and an edit failed.</summary>
internal sealed class EditsRolledBackException(IReadOnlyList<string> failures) : Exception("Edits rolled back.")
{
    public IReadOnlyList<string> Failures { get; } = failures;
}

internal sealed record AttachmentData(string? GlobalId, string? ParentGlobalId, long? ParentObjectId, string? Name, string? ContentType, byte[]? Data, string? Keywords = null);

/// <summary>
/// Adds, updates and deletes rows and attachments inside a write transaction, stamping each change with the
/// generation of the operation (deletes leave tombstones), so a sync can send exactly what changed since a generation.
/// </summary>
internal sealed class FeatureEditor(SqliteConnection conn, SqliteTransaction tx, long generation, long nowMs, string editor)
{
    private readonly WKBWriter _wkb = new();

    public long Generation => generation;

    private SqliteCommand Cmd(string sql)
    {
        var c = conn.CreateCommand();
        c.Transaction = tx;
        c.CommandText = sql;
        return c;
    }

    /// <summary>Adds a feature. With <paramref name="keepGlobalId"/> the feature's GlobalID is used (and an existing one updated, so a retried upload does not duplicate).</summary>
    public EditResult Add(LayerDef layer, JsonElement feature, bool keepGlobalId)
    {
        string? gid = null;
        try
        {
            var (values, geometry) = ParseFeature(layer, feature);
            if (keepGlobalId)
            {
                gid = GlobalIds.Normalize(ReadAttribute(feature, LayerDef.GlobalIdField) as string)
                    ?? throw new EditRejectedException(1000, "A GlobalID is required for this add.");
                if (FindByGlobalId(layer, gid) is { } existing)
                {
                    return UpdateRow(layer, existing, values, geometry);
                }
            }
            gid ??= GlobalIds.New();
            values["CreationDate"] = nowMs;
            values["Creator"] = editor;
            values["EditDate"] = nowMs;
            values["Editor"] = editor;
            values[LayerDef.GlobalIdField] = gid;
            var cols = values.Keys.ToList();
            using var cmd = Cmd("");
            var names = cols.Select(c => $"\"{c}\"").ToList();
            var ps = cols.Select((_, i) => "$v" + i.ToString(CultureInfo.InvariantCulture)).ToList();
            for (var i = 0; i < cols.Count; i++)
            {
                cmd.Parameters.AddWithValue(ps[i], values[cols[i]] ?? DBNull.Value);
            }
            AddGeometryColumns(layer, geometry, names, ps, cmd);
            cmd.CommandText = $"INSERT INTO {layer.Table}({string.Join(", ", names)}, _GEN, _CREATED_GEN) VALUES ({string.Join(", ", ps)}, {generation}, {generation}) RETURNING OBJECTID";
            var oid = (long)cmd.ExecuteScalar()!;
            IndexGeometry(layer, oid, geometry);
            return new EditResult(oid, gid, true);
        }
        catch (EditRejectedException e)
        {
            return EditResult.Fail(null, gid, e.Code, e.Message);
        }
    }

    /// <summary>Updates a feature found by OBJECTID, or by GlobalID when <paramref name="byGlobalId"/>.</summary>
    public EditResult Update(LayerDef layer, JsonElement feature, bool byGlobalId)
    {
        long? oid = null;
        string? gid = null;
        try
        {
            (long Oid, string Gid)? row;
            if (byGlobalId)
            {
                gid = GlobalIds.Normalize(ReadAttribute(feature, LayerDef.GlobalIdField) as string)
                    ?? throw new EditRejectedException(1000, "The update needs a GlobalID.");
                row = FindByGlobalId(layer, gid);
            }
            else
            {
                oid = ReadAttribute(feature, LayerDef.ObjectIdField) is long l ? l : throw new EditRejectedException(1000, "The update needs an OBJECTID.");
                row = FindByObjectId(layer, oid.Value);
            }
            if (row is null)
            {
                throw new EditRejectedException(1019, "Object is missing.");
            }
            var (values, geometry) = ParseFeature(layer, feature);
            return UpdateRow(layer, row.Value, values, geometry);
        }
        catch (EditRejectedException e)
        {
            return EditResult.Fail(oid, gid, e.Code, e.Message);
        }
    }

    private EditResult UpdateRow(LayerDef layer, (long Oid, string Gid) row, Dictionary<string, object?> values, Geometry? geometry)
    {
        values["EditDate"] = nowMs;
        values["Editor"] = editor;
        using var cmd = Cmd("");
        var sets = new List<string>();
        var i = 0;
        foreach (var (k, v) in values)
        {
            var p = "$v" + (i++).ToString(CultureInfo.InvariantCulture);
            sets.Add($"\"{k}\" = {p}");
            cmd.Parameters.AddWithValue(p, v ?? DBNull.Value);
        }
        if (geometry is not null)
        {
            var names = new List<string>();
            var ps = new List<string>();
            AddGeometryColumns(layer, geometry, names, ps, cmd);
            sets.AddRange(names.Select((n, j) => $"{n} = {ps[j]}"));
        }
        cmd.Parameters.AddWithValue("$oid", row.Oid);
        cmd.CommandText = $"UPDATE {layer.Table} SET {string.Join(", ", sets)}, _GEN = {generation} WHERE OBJECTID = $oid";
        cmd.ExecuteNonQuery();
        if (geometry is not null)
        {
            IndexGeometry(layer, row.Oid, geometry);
        }
        return new EditResult(row.Oid, row.Gid, true);
    }

    /// <summary>Deletes a feature (by OBJECTID or GlobalID) and its attachments, leaving tombstones. Deleting what is already gone succeeds when <paramref name="missingIsSuccess"/>.</summary>
    public EditResult Delete(LayerDef layer, string id, bool byGlobalId, bool missingIsSuccess = false)
    {
        (long Oid, string Gid)? row;
        if (byGlobalId)
        {
            var gid = GlobalIds.Normalize(id);
            if (gid is null)
            {
                return EditResult.Fail(null, id, 1000, $"'{id}' is not a GlobalID.");
            }
            row = FindByGlobalId(layer, gid);
            if (row is null)
            {
                return missingIsSuccess ? new EditResult(null, gid, true) : EditResult.Fail(null, gid, 1019, "Object is missing.");
            }
        }
        else
        {
            if (!long.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var oid))
            {
                return EditResult.Fail(null, null, 1000, $"'{id}' is not an object id.");
            }
            row = FindByObjectId(layer, oid);
            if (row is null)
            {
                return EditResult.Fail(oid, null, 1019, "Object is missing.");
            }
        }
        var (o, g) = row.Value;
        if (layer.HasAttachments)
        {
            using var list = Cmd($"SELECT ATTACHMENTID FROM {layer.AttachmentTable} WHERE REL_OBJECTID = $o");
            list.Parameters.AddWithValue("$o", o);
            var ids = new List<long>();
            using (var reader = list.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }
            foreach (var a in ids)
            {
                DeleteAttachment(layer, a);
            }
        }
        Envelope? env = null;
        if (!layer.IsTable)
        {
            using var shape = Cmd($"SELECT minx, miny, maxx, maxy FROM {layer.RTreeTable} WHERE id = $o");
            shape.Parameters.AddWithValue("$o", o);
            using var reader = shape.ExecuteReader();
            if (reader.Read())
            {
                env = new Envelope(reader.GetDouble(0), reader.GetDouble(2), reader.GetDouble(1), reader.GetDouble(3));
            }
        }
        using (var tomb = Cmd($"INSERT INTO tombstones(table_name, kind, objectid, globalid, gen, created_gen, minx, miny, maxx, maxy) SELECT '{layer.Table}', 'f', OBJECTID, GlobalID, {generation}, _CREATED_GEN, $a, $b, $c, $d FROM {layer.Table} WHERE OBJECTID = $o"))
        {
            tomb.Parameters.AddWithValue("$o", o);
            tomb.Parameters.AddWithValue("$a", (object?)env?.MinX ?? DBNull.Value);
            tomb.Parameters.AddWithValue("$b", (object?)env?.MinY ?? DBNull.Value);
            tomb.Parameters.AddWithValue("$c", (object?)env?.MaxX ?? DBNull.Value);
            tomb.Parameters.AddWithValue("$d", (object?)env?.MaxY ?? DBNull.Value);
            tomb.ExecuteNonQuery();
        }
        using (var del = Cmd($"DELETE FROM {layer.Table} WHERE OBJECTID = $o"))
        {
            del.Parameters.AddWithValue("$o", o);
            del.ExecuteNonQuery();
        }
        if (!layer.IsTable)
        {
            using var delTree = Cmd($"DELETE FROM {layer.RTreeTable} WHERE id = $o");
            delTree.Parameters.AddWithValue("$o", o);
            delTree.ExecuteNonQuery();
        }
        return new EditResult(o, g, true);
    }

    public (long Oid, string Gid)? FindByGlobalId(LayerDef layer, string gid) => Find(layer, "GlobalID = $k", gid);

    public (long Oid, string Gid)? FindByObjectId(LayerDef layer, long oid) => Find(layer, "OBJECTID = $k", oid);

    private (long Oid, string Gid)? Find(LayerDef layer, string where, object key)
    {
        using var cmd = Cmd($"SELECT OBJECTID, GlobalID FROM {layer.Table} WHERE {where}");
        cmd.Parameters.AddWithValue("$k", key);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public EditResult AddAttachment(LayerDef layer, AttachmentData a)
    {
        try
        {
            RequireAttachments(layer);
            var parent = a.ParentObjectId is { } po ? FindByObjectId(layer, po)
                : GlobalIds.Normalize(a.ParentGlobalId) is { } pg ? FindByGlobalId(layer, pg)
                : throw new EditRejectedException(1000, "The attachment needs a parent feature.");
            if (parent is null)
            {
                throw new EditRejectedException(1019, "The parent feature does not exist.");
            }
            if (a.Data is null)
            {
                throw new EditRejectedException(1000, "The attachment has no data (base64 'data' is required; uploads are not supported).");
            }
            var gid = a.GlobalId is null ? GlobalIds.New() : GlobalIds.Normalize(a.GlobalId) ?? throw new EditRejectedException(1000, $"'{a.GlobalId}' is not a GlobalID.");
            if (FindAttachment(layer, "GLOBALID = $k", gid) is { } existing)
            {
                return UpdateAttachment(layer, a with { GlobalId = gid }, existing.Id);
            }
            var blob = SampleDataGenerator.InsertBlob(conn, tx, a.Data);
            using var cmd = Cmd($"INSERT INTO {layer.AttachmentTable}(GLOBALID, REL_OBJECTID, REL_GLOBALID, CONTENT_TYPE, ATT_NAME, DATA_SIZE, KEYWORDS, DATA_ID, _GEN, _CREATED_GEN) VALUES ($g, $ro, $rg, $ct, $n, $s, $k, $d, {generation}, {generation}) RETURNING ATTACHMENTID");
            cmd.Parameters.AddWithValue("$g", gid);
            cmd.Parameters.AddWithValue("$ro", parent.Value.Oid);
            cmd.Parameters.AddWithValue("$rg", parent.Value.Gid);
            cmd.Parameters.AddWithValue("$ct", string.IsNullOrWhiteSpace(a.ContentType) ? "application/octet-stream" : a.ContentType);
            cmd.Parameters.AddWithValue("$n", string.IsNullOrWhiteSpace(a.Name) ? "attachment" : Path.GetFileName(a.Name));
            cmd.Parameters.AddWithValue("$s", a.Data.LongLength);
            cmd.Parameters.AddWithValue("$k", (object?)a.Keywords ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$d", blob);
            var id = (long)cmd.ExecuteScalar()!;
            TouchParent(layer, parent.Value.Oid);
            return new EditResult(id, gid, true);
        }
        catch (EditRejectedException e)
        {
            return EditResult.Fail(null, a.GlobalId, e.Code, e.Message);
        }
    }

    /// <summary>Updates an attachment's name, type or bytes; found by <paramref name="attachmentId"/> or by its GlobalID.</summary>
    public EditResult UpdateAttachment(LayerDef layer, AttachmentData a, long? attachmentId = null)
    {
        try
        {
            RequireAttachments(layer);
            var found = attachmentId is { } id ? FindAttachment(layer, "ATTACHMENTID = $k", id)
                : GlobalIds.Normalize(a.GlobalId) is { } g ? FindAttachment(layer, "GLOBALID = $k", g)
                : throw new EditRejectedException(1000, "The attachment update needs an attachment id or GlobalID.");
            if (found is null)
            {
                throw new EditRejectedException(1019, "Attachment is missing.");
            }
            using var cmd = Cmd("");
            var sets = new List<string> { $"_GEN = {generation}" };
            if (a.Data is not null)
            {
                cmd.Parameters.AddWithValue("$d", SampleDataGenerator.InsertBlob(conn, tx, a.Data));
                cmd.Parameters.AddWithValue("$s", a.Data.LongLength);
                sets.Add("DATA_ID = $d, DATA_SIZE = $s");
            }
            if (!string.IsNullOrWhiteSpace(a.Name))
            {
                cmd.Parameters.AddWithValue("$n", Path.GetFileName(a.Name));
                sets.Add("ATT_NAME = $n");
            }
            if (!string.IsNullOrWhiteSpace(a.ContentType))
            {
                cmd.Parameters.AddWithValue("$ct", a.ContentType);
                sets.Add("CONTENT_TYPE = $ct");
            }
            cmd.Parameters.AddWithValue("$id", found.Value.Id);
            cmd.CommandText = $"UPDATE {layer.AttachmentTable} SET {string.Join(", ", sets)} WHERE ATTACHMENTID = $id";
            cmd.ExecuteNonQuery();
            TouchParent(layer, found.Value.ParentOid);
            return new EditResult(found.Value.Id, found.Value.Gid, true);
        }
        catch (EditRejectedException e)
        {
            return EditResult.Fail(attachmentId, a.GlobalId, e.Code, e.Message);
        }
    }

    public EditResult DeleteAttachment(LayerDef layer, long attachmentId) => DeleteAttachmentWhere(layer, "ATTACHMENTID = $k", attachmentId, false);

    public EditResult DeleteAttachmentByGlobalId(LayerDef layer, string globalId, bool missingIsSuccess) =>
        GlobalIds.Normalize(globalId) is { } g ? DeleteAttachmentWhere(layer, "GLOBALID = $k", g, missingIsSuccess) : EditResult.Fail(null, globalId, 1000, $"'{globalId}' is not a GlobalID.");

    private EditResult DeleteAttachmentWhere(LayerDef layer, string where, object key, bool missingIsSuccess)
    {
        if (!layer.HasAttachments)
        {
            return EditResult.Fail(null, null, 1000, $"Layer '{layer.Name}' does not support attachments.");
        }
        var found = FindAttachment(layer, where, key);
        if (found is null)
        {
            return missingIsSuccess ? new EditResult(null, key as string, true) : EditResult.Fail(key as long?, key as string, 1019, "Attachment is missing.");
        }
        using (var tomb = Cmd($"INSERT INTO tombstones(table_name, kind, objectid, globalid, parent_globalid, gen, created_gen) SELECT '{layer.AttachmentTable}', 'a', ATTACHMENTID, GLOBALID, REL_GLOBALID, {generation}, _CREATED_GEN FROM {layer.AttachmentTable} WHERE ATTACHMENTID = $id"))
        {
            tomb.Parameters.AddWithValue("$id", found.Value.Id);
            tomb.ExecuteNonQuery();
        }
        using (var del = Cmd($"DELETE FROM {layer.AttachmentTable} WHERE ATTACHMENTID = $id"))
        {
            del.Parameters.AddWithValue("$id", found.Value.Id);
            del.ExecuteNonQuery();
        }
        TouchParent(layer, found.Value.ParentOid);
        return new EditResult(found.Value.Id, found.Value.Gid, true);
    }

    private (long Id, string Gid, long ParentOid)? FindAttachment(LayerDef layer, string where, object key)
    {
        using var cmd = Cmd($"SELECT ATTACHMENTID, GLOBALID, REL_OBJECTID FROM {layer.AttachmentTable} WHERE {where}");
        cmd.Parameters.AddWithValue("$k", key);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)) : null;
    }

    /// <summary>Marks the parent edited too, as ArcGIS does when its attachments change.</summary>
    private void TouchParent(LayerDef layer, long parentOid)
    {
        using var cmd = Cmd($"UPDATE {layer.Table} SET EditDate = $n, Editor = $e WHERE OBJECTID = $o");
        cmd.Parameters.AddWithValue("$n", nowMs);
        cmd.Parameters.AddWithValue("$e", editor);
        cmd.Parameters.AddWithValue("$o", parentOid);
        cmd.ExecuteNonQuery();
    }

    private static void RequireAttachments(LayerDef layer)
    {
        if (!layer.HasAttachments)
        {
            throw new EditRejectedException(1000, $"Layer '{layer.Name}' does not support attachments.");
        }
    }

    private void AddGeometryColumns(LayerDef layer, Geometry? geometry, List<string> names, List<string> ps, SqliteCommand cmd)
    {
        if (layer.IsTable || geometry is null)
        {
            return;
        }
        names.Add("SHAPE");
        ps.Add("$shape");
        cmd.Parameters.AddWithValue("$shape", _wkb.Write(geometry));
        if (layer.Geometry == GeometryKind.Point)
        {
            names.AddRange(["_X", "_Y"]);
            ps.AddRange(["$gx", "$gy"]);
            cmd.Parameters.AddWithValue("$gx", ((Point)geometry).X);
            cmd.Parameters.AddWithValue("$gy", ((Point)geometry).Y);
        }
    }

    private void IndexGeometry(LayerDef layer, long oid, Geometry? geometry)
    {
        if (layer.IsTable || geometry is null)
        {
            return;
        }
        var e = geometry.EnvelopeInternal;
        using var cmd = Cmd($"INSERT OR REPLACE INTO {layer.RTreeTable}(id, minx, maxx, miny, maxy) VALUES ($i, $a, $b, $c, $d)");
        cmd.Parameters.AddWithValue("$i", oid);
        cmd.Parameters.AddWithValue("$a", e.MinX);
        cmd.Parameters.AddWithValue("$b", e.MaxX);
        cmd.Parameters.AddWithValue("$c", e.MinY);
        cmd.Parameters.AddWithValue("$d", e.MaxY);
        cmd.ExecuteNonQuery();
    }

    private static object? ReadAttribute(JsonElement feature, string name)
    {
        if (!EsriGeometryJson.TryGetProperty(feature, "attributes", out var attrs) || !EsriGeometryJson.TryGetProperty(attrs, name, out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetInt64(out var l) ? (object)l : v.GetDouble(),
            JsonValueKind.String => v.GetString(),
            _ => null,
        };
    }

    /// <summary>Reads a feature's editable attributes (converted to the stored types) and its geometry in Web Mercator.</summary>
    private static (Dictionary<string, object?> Values, Geometry? Geometry) ParseFeature(LayerDef layer, JsonElement feature)
    {
        if (feature.ValueKind != JsonValueKind.Object)
        {
            throw new EditRejectedException(1000, "A feature must be a JSON object.");
        }
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (EsriGeometryJson.TryGetProperty(feature, "attributes", out var attrs) && attrs.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in attrs.EnumerateObject())
            {
                var field = layer.FindField(p.Name) ?? throw new EditRejectedException(1000, $"Field '{p.Name}' does not exist in layer '{layer.Name}'.");
                if (!field.Editable)
                {
                    continue;
                }
                values[field.Name] = Convert(field, p.Value);
            }
        }
        Geometry? geometry = null;
        if (!layer.IsTable && EsriGeometryJson.TryGetProperty(feature, "geometry", out var g) && g.ValueKind == JsonValueKind.Object)
        {
            try
            {
                var (geom, wkid) = EsriGeometryJson.Read(g);
                var from = wkid ?? WebMercator.LatestWkid;
                if (!WebMercator.IsSupported(from))
                {
                    throw new EditRejectedException(1000, $"Spatial reference {from} is not supported; use 4326 or 3857.");
                }
                geometry = WebMercator.Project(geom, from, WebMercator.LatestWkid);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
            {
                throw new EditRejectedException(1000, "Invalid geometry: " + e.Message);
            }
            var ok = layer.Geometry switch
            {
                GeometryKind.Point => geometry is Point { IsEmpty: false },
                GeometryKind.Polyline => geometry is LineString or MultiLineString,
                GeometryKind.Polygon => geometry is Polygon or MultiPolygon,
                _ => false,
            };
            if (!ok)
            {
                throw new EditRejectedException(1000, $"The geometry does not match the layer's type {layer.EsriGeometryType}.");
            }
        }
        // Like ArcGIS, a feature may be added without a geometry (an asset entered in the office, located later on
        // site): it is stored with a null shape, outside the spatial index, so no area filter selects it.
        return (values, geometry);
    }

    private static object? Convert(FieldDef field, JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        try
        {
            switch (field.Kind)
            {
                case FieldKind.String:
                    var s = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
                    if (field.Length > 0 && s.Length > field.Length)
                    {
                        throw new EditRejectedException(1000, $"Value for '{field.Name}' is longer than {field.Length} characters.");
                    }
                    return s;
                case FieldKind.Guid or FieldKind.GlobalId:
                    return GlobalIds.Normalize(v.GetString()) ?? throw new EditRejectedException(1000, $"Value for '{field.Name}' is not a GUID.");
                case FieldKind.SmallInteger or FieldKind.Integer or FieldKind.Date:
                    if (v.ValueKind == JsonValueKind.String)
                    {
                        return long.Parse(v.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture);
                    }
                    return v.TryGetInt64(out var l) ? l : (long)Math.Round(v.GetDouble());
                case FieldKind.Double:
                    return v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture) : v.GetDouble();
                default:
                    throw new EditRejectedException(1000, $"Field '{field.Name}' cannot be edited.");
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw new EditRejectedException(1000, $"Value for '{field.Name}' is not a valid {field.EsriType}.");
        }
    }
}
