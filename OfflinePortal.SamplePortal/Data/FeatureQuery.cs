using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.IO;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>One stored row: attribute values aligned with <see cref="LayerDef.Fields"/> and the geometry (Web Mercator) as WKB.</summary>
internal sealed class FeatureRow(LayerDef layer, object?[] values, byte[]? shape)
{
    private Geometry? _geometry;

    public LayerDef Layer { get; } = layer;

    public object?[] Values { get; } = values;

    public byte[]? Shape { get; } = shape;

    public long ObjectId => (long)Values[0]!;

    public string GlobalId => (string)Values[1]!;

    public object? this[string field] => Values[IndexOf(Layer, field)];

    public Geometry? Geometry => _geometry ??= Shape is null ? null : new WKBReader(EsriGeometryJson.Factory.GeometryServices).Read(Shape);

    public static int IndexOf(LayerDef layer, string field)
    {
        for (var i = 0; i < layer.Fields.Count; i++)
        {
            if (string.Equals(layer.Fields[i].Name, field, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        throw new ArgumentException($"No field {field} in {layer.Name}", nameof(field));
    }
}

/// <summary>What selects rows: a where clause, object ids, GlobalIDs, a geometry (Web Mercator) and extra SQL from the caller.</summary>
internal sealed record FeatureFilter
{
    public string? Where { get; init; }

    public IReadOnlyCollection<long>? ObjectIds { get; init; }

    public IReadOnlyCollection<string>? GlobalIds { get; init; }

    public Geometry? Geometry { get; init; }

    /// <summary>Only rows changed in (MinGeneration, MaxGeneration) exclusive, with their creation generation available.</summary>
    public long? ChangedAfter { get; init; }

    public long? ChangedBefore { get; init; }

    /// <summary>Exclude rows whose last change has this generation (the caller's own upload in a sync).</summary>
    public long? ExcludeGeneration { get; init; }

    public bool IsEmptySelection => ObjectIds is { Count: 0 } || GlobalIds is { Count: 0 };
}

/// <summary>
/// Selects rows for queries, replicas, tiles and deltas. The R*Tree narrows a geometry filter to candidates by
/// envelope; the exact test runs in NTS, except for envelope filters on point layers, which SQL answers exactly
/// from the stored coordinates (so counts and paging stay in SQL).
/// </summary>
internal static class FeatureQuery
{
    public sealed record Plan(string Sql, SqlParameters Parameters, IPreparedGeometry? ExactTest, bool HasGeometryColumn);

    public static Plan Build(LayerDef layer, FeatureFilter filter, string? orderBy, string select = "*", bool forCount = false)
    {
        var p = new SqlParameters();
        var where = new List<string> { WhereClause.ToSql(filter.Where, layer, p) };
        IPreparedGeometry? exact = null;
        if (filter.Geometry is { } g && !layer.IsTable)
        {
            var env = g.EnvelopeInternal;
            where.Add($"t.OBJECTID IN (SELECT id FROM {layer.RTreeTable} WHERE maxx >= {p.Add(env.MinX)} AND minx <= {p.Add(env.MaxX)} AND maxy >= {p.Add(env.MinY)} AND miny <= {p.Add(env.MaxY)})");
            if (layer.Geometry == GeometryKind.Point && g.IsRectangle)
            {
                where.Add($"t._X BETWEEN {p.Add(env.MinX)} AND {p.Add(env.MaxX)} AND t._Y BETWEEN {p.Add(env.MinY)} AND {p.Add(env.MaxY)}");
            }
            else
            {
                exact = PreparedGeometryFactory.Prepare(g);
            }
        }
        if (filter.ObjectIds is { } ids)
        {
            where.Add(ids.Count == 0 ? "0" : $"t.OBJECTID IN ({string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))})");
        }
        if (filter.GlobalIds is { } gids)
        {
            where.Add(gids.Count == 0 ? "0" : $"t.GlobalID IN ({string.Join(",", gids.Select(p.Add))})");
        }
        if (filter.ChangedAfter is { } after)
        {
            where.Add($"t._GEN > {p.Add(after)}");
        }
        if (filter.ChangedBefore is { } before)
        {
            where.Add($"t._GEN < {p.Add(before)}");
        }
        if (filter.ExcludeGeneration is { } ex)
        {
            where.Add($"t._GEN <> {p.Add(ex)}");
        }
        var columns = select == "*" ? Columns(layer) : select;
        if (forCount && exact is null)
        {
            columns = "COUNT(*)";
        }
        var sql = new StringBuilder($"SELECT {columns} FROM {layer.Table} t WHERE {string.Join(" AND ", where)}");
        if (!forCount)
        {
            sql.Append(" ORDER BY ").Append(orderBy ?? "t.OBJECTID");
        }
        return new Plan(sql.ToString(), p, exact, !layer.IsTable);
    }

    /// <summary>The layer's field columns then SHAPE, then the creation generation (used by deltas to tell adds from updates).</summary>
    public static string Columns(LayerDef layer) =>
        string.Join(", ", layer.Fields.Select(f => $"t.\"{f.Name}\"")) + (layer.IsTable ? ", NULL" : ", t.SHAPE") + ", t._CREATED_GEN";

    /// <summary>Validates "FIELD [ASC|DESC], ..." against the layer and returns SQL.</summary>
    public static string? OrderBy(LayerDef layer, string? orderByFields)
    {
        if (string.IsNullOrWhiteSpace(orderByFields))
        {
            return null;
        }
        var parts = new List<string>();
        foreach (var item in orderByFields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = item.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var field = layer.FindField(words[0]) ?? throw new WhereClauseException($"Unknown field '{words[0]}' in orderByFields.");
            var dir = words.Length > 1 ? words[1].ToUpperInvariant() : "ASC";
            if (words.Length > 2 || dir is not ("ASC" or "DESC"))
            {
                throw new WhereClauseException($"Invalid orderByFields item '{item}': use FIELD [ASC|DESC].");
            }
            parts.Add($"t.\"{field.Name}\" {dir}");
        }
        parts.Add("t.OBJECTID");
        return string.Join(", ", parts);
    }

    public static SqliteCommand Command(SqliteConnection conn, Plan plan, SqliteTransaction? tx = null)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = plan.Sql;
        foreach (var (k, v) in plan.Parameters.Items)
        {
            cmd.Parameters.AddWithValue(k, v);
        }
        return cmd;
    }

    /// <summary>Streams matching rows; the paging window is applied after the exact geometry test.</summary>
    public static IEnumerable<(FeatureRow Row, long CreatedGen)> Read(SqliteConnection conn, LayerDef layer, FeatureFilter filter, string? orderBy = null, long offset = 0, long limit = long.MaxValue, SqliteTransaction? tx = null)
    {
        if (filter.IsEmptySelection || limit <= 0)
        {
            yield break;
        }
        var plan = Build(layer, filter, orderBy);
        var sql = plan.Sql;
        if (plan.ExactTest is null && (offset > 0 || limit != long.MaxValue))
        {
            sql += $" LIMIT {limit.ToString(CultureInfo.InvariantCulture)} OFFSET {offset.ToString(CultureInfo.InvariantCulture)}";
        }
        using var cmd = Command(conn, plan with { Sql = sql }, tx);
        using var reader = cmd.ExecuteReader();
        var n = layer.Fields.Count;
        long skipped = 0, taken = 0;
        while (reader.Read())
        {
            var values = new object?[n];
            for (var i = 0; i < n; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            var row = new FeatureRow(layer, values, reader.IsDBNull(n) ? null : (byte[])reader.GetValue(n));
            if (plan.ExactTest is { } test)
            {
                if (row.Geometry is null || !test.Intersects(row.Geometry))
                {
                    continue;
                }
                if (skipped < offset)
                {
                    skipped++;
                    continue;
                }
            }
            yield return (row, reader.GetInt64(n + 1));
            if (++taken >= limit)
            {
                yield break;
            }
        }
    }

    public static long Count(SqliteConnection conn, LayerDef layer, FeatureFilter filter, SqliteTransaction? tx = null)
    {
        if (filter.IsEmptySelection)
        {
            return 0;
        }
        var plan = Build(layer, filter, null, forCount: true);
        if (plan.ExactTest is null)
        {
            using var cmd = Command(conn, plan, tx);
            return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        return Read(conn, layer, filter, tx: tx).LongCount();
    }

    public static List<long> ObjectIds(SqliteConnection conn, LayerDef layer, FeatureFilter filter, string? orderBy)
    {
        if (filter.IsEmptySelection)
        {
            return [];
        }
        var plan = Build(layer, filter, orderBy, select: layer.IsTable ? "t.OBJECTID, NULL" : "t.OBJECTID, t.SHAPE");
        using var cmd = Command(conn, plan);
        using var reader = cmd.ExecuteReader();
        var ids = new List<long>();
        var wkb = new WKBReader(EsriGeometryJson.Factory.GeometryServices);
        while (reader.Read())
        {
            if (plan.ExactTest is { } test && (reader.IsDBNull(1) || !test.Intersects(wkb.Read((byte[])reader.GetValue(1)))))
            {
                continue;
            }
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }
}
