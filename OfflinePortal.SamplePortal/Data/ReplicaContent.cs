using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Http;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>
/// Selects a replica's rows (queryOption none/useFilter/all, where, geometry, includeRelated from origin to
/// destination) and writes them, or the changes between two generations, as replica JSON. Rows are read with a
/// SQLite reader and written to a Utf8JsonWriter over a file, flushed as it goes: nothing holds the whole replica.
/// </summary>
internal sealed class ReplicaContent(SqliteConnection conn, ServiceDef service, ReplicaDefinition replica, string attachmentBaseUrl)
{
    private readonly Geometry? _geometry = replica.GeometryJson is null ? null : EsriGeometryJson.Read(JsonDocument.Parse(replica.GeometryJson).RootElement).Geometry;
    private readonly Dictionary<int, HashSet<string>> _selectedKeys = [];

    private FeatureFilter OwnFilter(LayerDef layer, ReplicaLayer rl) => new()
    {
        Where = rl.QueryOption == "useFilter" ? rl.Where : null,
        Geometry = rl.QueryOption == "useFilter" && rl.UseGeometry && !layer.IsTable ? _geometry : null,
    };

    private IEnumerable<RelationshipDef> IncomingRelationships(LayerDef layer, ReplicaLayer rl) =>
        rl.IncludeRelated
            ? service.Relationships.Where(r => r.DestinationLayerId == layer.Id && replica.Layers.Any(l => l.Id == r.OriginLayerId))
            : [];

    /// <summary>Keys of the origin layer's own selection (unchanged by generations: a related row follows its parent's current selection).</summary>
    private HashSet<string> OriginKeys(RelationshipDef rel)
    {
        if (_selectedKeys.TryGetValue(rel.Id, out var keys))
        {
            return keys;
        }
        var origin = service.FindLayer(rel.OriginLayerId)!;
        var rl = replica.Layers.First(l => l.Id == origin.Id);
        keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (rl.QueryOption != "none")
        {
            var index = FeatureRow.IndexOf(origin, rel.OriginKey);
            foreach (var (row, _) in FeatureQuery.Read(conn, origin, OwnFilter(origin, rl)))
            {
                if (row.Values[index] is string k)
                {
                    keys.Add(k);
                }
            }
        }
        _selectedKeys[rel.Id] = keys;
        return keys;
    }

    /// <summary>The rows of one layer the replica holds, restricted to the changed range when given.</summary>
    public IEnumerable<(FeatureRow Row, long CreatedGen)> Rows(LayerDef layer, long? changedAfter = null, long? changedBefore = null)
    {
        var rl = replica.Layers.First(l => l.Id == layer.Id);
        var written = new HashSet<long>();
        if (rl.QueryOption != "none")
        {
            var filter = OwnFilter(layer, rl) with { ChangedAfter = changedAfter, ChangedBefore = changedBefore };
            foreach (var item in FeatureQuery.Read(conn, layer, filter))
            {
                written.Add(item.Row.ObjectId);
                yield return item;
            }
        }
        if (rl.QueryOption == "all")
        {
            yield break;
        }
        foreach (var rel in IncomingRelationships(layer, rl))
        {
            var keys = OriginKeys(rel);
            if (keys.Count == 0)
            {
                continue;
            }
            var index = FeatureRow.IndexOf(layer, rel.DestinationKey);
            foreach (var item in FeatureQuery.Read(conn, layer, new FeatureFilter { ChangedAfter = changedAfter, ChangedBefore = changedBefore }))
            {
                if (item.Row.Values[index] is string k && keys.Contains(k) && written.Add(item.Row.ObjectId))
                {
                    yield return item;
                }
            }
        }
    }

    private static async Task FlushIfNeeded(Utf8JsonWriter w, CancellationToken ct)
    {
        if (w.BytesPending > 64 * 1024)
        {
            await w.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the full replica (responseType Data) to <paramref name="w"/>.</summary>
    public async Task WriteDataAsync(Utf8JsonWriter w, string transportType, Action<Utf8JsonWriter> writeGenerations, CancellationToken ct)
    {
        w.WriteStartObject();
        w.WriteString("replicaName", replica.Name);
        if (replica.SyncModel != "none")
        {
            w.WriteString("replicaID", replica.Id);
        }
        w.WriteString("transportType", transportType);
        w.WriteString("responseType", "esriReplicaResponseTypeData");
        w.WriteString("syncModel", replica.SyncModel);
        writeGenerations(w);
        w.WriteStartArray("layers");
        foreach (var rl in replica.Layers)
        {
            var layer = service.FindLayer(rl.Id)!;
            var all = Enumerable.Range(0, layer.Fields.Count).ToList();
            var parents = new HashSet<long>();
            w.WriteStartObject();
            w.WriteNumber("id", layer.Id);
            if (!layer.IsTable)
            {
                w.WriteString("geometryType", layer.EsriGeometryType);
                w.WritePropertyName("spatialReference");
                EsriGeometryJson.WriteSpatialReference(w, replica.ReplicaWkid);
            }
            w.WriteStartArray("features");
            foreach (var (row, _) in Rows(layer))
            {
                FeatureJson.WriteFeature(w, row, all, layer.IsTable ? null : replica.ReplicaWkid);
                parents.Add(row.ObjectId);
                await FlushIfNeeded(w, ct).ConfigureAwait(false);
            }
            w.WriteEndArray();
            if (replica.ReturnAttachments && layer.HasAttachments)
            {
                w.WriteStartArray("attachments");
                await WriteAttachmentsAsync(w, layer, parents, null, null, ct).ConfigureAwait(false);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Attachments whose parent is in <paramref name="parents"/> (null: any parent), optionally only those changed in the range; returns (adds, updates) split by creation.</summary>
    private async Task WriteAttachmentsAsync(Utf8JsonWriter w, LayerDef layer, HashSet<long>? parents, long? after, long? before, CancellationToken ct, bool? added = null)
    {
        using var cmd = conn.CreateCommand();
        var where = "1=1";
        if (after is { } a)
        {
            where += " AND a._GEN > $after";
            cmd.Parameters.AddWithValue("$after", a);
        }
        if (before is { } b)
        {
            where += " AND a._GEN < $before";
            cmd.Parameters.AddWithValue("$before", b);
        }
        if (added is { } isAdd && after is { } a2)
        {
            where += isAdd ? " AND a._CREATED_GEN > $after2" : " AND a._CREATED_GEN <= $after2";
            cmd.Parameters.AddWithValue("$after2", a2);
        }
        var withData = !replica.ReturnAttachmentsDataByUrl;
        cmd.CommandText = $"SELECT a.ATTACHMENTID, a.GLOBALID, a.REL_OBJECTID, a.REL_GLOBALID, a.CONTENT_TYPE, a.ATT_NAME, a.DATA_SIZE, {(withData ? "b.data" : "NULL")} FROM {layer.AttachmentTable} a {(withData ? "JOIN blobs b ON b.id = a.DATA_ID" : "")} WHERE {where} ORDER BY a.ATTACHMENTID";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var parent = r.GetInt64(2);
            if (parents is not null && !parents.Contains(parent))
            {
                continue;
            }
            w.WriteStartObject();
            w.WriteNumber("id", r.GetInt64(0));
            w.WriteNumber("attachmentId", r.GetInt64(0));
            w.WriteString("globalId", r.GetString(1));
            w.WriteString("parentGlobalId", r.GetString(3));
            w.WriteNumber("parentObjectId", parent);
            w.WriteString("contentType", r.GetString(4));
            w.WriteString("name", r.GetString(5));
            w.WriteNumber("size", r.GetInt64(6));
            if (withData)
            {
                w.WriteBase64String("data", (byte[])r.GetValue(7));
            }
            else
            {
                w.WriteString("url", $"{attachmentBaseUrl}/{layer.Id}/{parent}/attachments/{r.GetInt64(0)}");
            }
            w.WriteEndObject();
            await FlushIfNeeded(w, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the per-layer changes in (after, before) as <c>edits[{id, features{adds,updates,deleteIds}, attachments{…}}]</c>; returns how many changes were written.</summary>
    public async Task<long> WriteEditsAsync(Utf8JsonWriter w, IReadOnlyDictionary<int, long> afterByLayer, long before, bool attachments, CancellationToken ct)
    {
        long changes = 0;
        w.WriteStartArray("edits");
        foreach (var (layerId, after) in afterByLayer)
        {
            var layer = service.FindLayer(layerId)!;
            var all = Enumerable.Range(0, layer.Fields.Count).ToList();
            w.WriteStartObject();
            w.WriteNumber("id", layer.Id);
            w.WriteStartObject("features");
            var updates = new List<FeatureRow>();
            w.WriteStartArray("adds");
            foreach (var (row, created) in Rows(layer, after, before))
            {
                if (created > after)
                {
                    FeatureJson.WriteFeature(w, row, all, layer.IsTable ? null : replica.ReplicaWkid);
                    changes++;
                    await FlushIfNeeded(w, ct).ConfigureAwait(false);
                }
                else
                {
                    updates.Add(row);
                }
            }
            w.WriteEndArray();
            w.WriteStartArray("updates");
            foreach (var row in updates)
            {
                FeatureJson.WriteFeature(w, row, all, layer.IsTable ? null : replica.ReplicaWkid);
                changes++;
                await FlushIfNeeded(w, ct).ConfigureAwait(false);
            }
            w.WriteEndArray();
            w.WriteStartArray("deleteIds");
            changes += WriteTombstones(w, layer.Table, "f", after, before, layer.IsTable || !replica.Layers.First(l => l.Id == layerId).UseGeometry ? null : _geometry);
            w.WriteEndArray();
            w.WriteEndObject();
            if (attachments && layer.HasAttachments)
            {
                w.WriteStartObject("attachments");
                w.WriteStartArray("adds");
                await WriteAttachmentsAsync(w, layer, null, after, before, ct, added: true).ConfigureAwait(false);
                w.WriteEndArray();
                w.WriteStartArray("updates");
                await WriteAttachmentsAsync(w, layer, null, after, before, ct, added: false).ConfigureAwait(false);
                w.WriteEndArray();
                w.WriteStartArray("deleteIds");
                changes += WriteTombstones(w, layer.AttachmentTable, "a", after, before, null);
                w.WriteEndArray();
                w.WriteEndObject();
                changes += CountAttachmentChanges(layer, after, before);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        await w.FlushAsync(ct).ConfigureAwait(false);
        return changes;
    }

    private long CountAttachmentChanges(LayerDef layer, long after, long before)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {layer.AttachmentTable} WHERE _GEN > $a AND _GEN < $b";
        cmd.Parameters.AddWithValue("$a", after);
        cmd.Parameters.AddWithValue("$b", before);
        return (long)cmd.ExecuteScalar()!;
    }

    private long WriteTombstones(Utf8JsonWriter w, string table, string kind, long after, long before, Geometry? filter)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT globalid, minx, miny, maxx, maxy FROM tombstones WHERE table_name = $t AND kind = $k AND gen > $a AND gen < $b AND created_gen <= $a ORDER BY gen";
        cmd.Parameters.AddWithValue("$t", table);
        cmd.Parameters.AddWithValue("$k", kind);
        cmd.Parameters.AddWithValue("$a", after);
        cmd.Parameters.AddWithValue("$b", before);
        using var r = cmd.ExecuteReader();
        long n = 0;
        while (r.Read())
        {
            if (filter is not null && !r.IsDBNull(1))
            {
                var env = new Envelope(r.GetDouble(1), r.GetDouble(3), r.GetDouble(2), r.GetDouble(4));
                if (!filter.EnvelopeInternal.Intersects(env))
                {
                    continue;
                }
            }
            w.WriteStringValue(r.GetString(0));
            n++;
        }
        return n;
    }
}
