using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>Rows of the replicas table: definition, generation numbers (per layer, or -1 for per-replica), dates.</summary>
internal static class ReplicaStore
{
    public sealed record Row(ReplicaDefinition Definition, long LastSync, Dictionary<int, long> Gens);

    public static Row? Find(SqliteConnection conn, string service, string id, SqliteTransaction? tx = null) =>
        Query(conn, tx, "WHERE service = $s AND id = $i", service, ReplicaDefinition.NormalizeId(id)).FirstOrDefault();

    public static List<Row> All(SqliteConnection conn, string service) => Query(conn, null, "WHERE service = $s ORDER BY created", service, null);

    private static List<Row> Query(SqliteConnection conn, SqliteTransaction? tx, string where, string service, string? id)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT definition, last_sync, gens FROM replicas {where}";
        cmd.Parameters.AddWithValue("$s", service);
        if (id is not null)
        {
            cmd.Parameters.AddWithValue("$i", id);
        }
        using var r = cmd.ExecuteReader();
        var list = new List<Row>();
        while (r.Read())
        {
            var gens = JsonSerializer.Deserialize<Dictionary<string, long>>(r.GetString(2))!
                .ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value);
            list.Add(new Row(ReplicaDefinition.Deserialize(r.GetString(0)), r.GetInt64(1), gens));
        }
        return list;
    }

    /// <summary>Picks a name not used yet in the service: the name itself, else name_0, name_1… as ArcGIS does.</summary>
    public static string UniqueName(SqliteConnection conn, SqliteTransaction tx, string service, string name)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT 1 FROM replicas WHERE service = $s AND name = $n";
        cmd.Parameters.AddWithValue("$s", service);
        var p = cmd.Parameters.Add("$n", SqliteType.Text);
        var candidate = name;
        for (var i = 0; ; i++)
        {
            p.Value = candidate;
            if (cmd.ExecuteScalar() is null)
            {
                return candidate;
            }
            candidate = string.Create(CultureInfo.InvariantCulture, $"{name}_{i}");
        }
    }

    public static void Insert(SqliteConnection conn, SqliteTransaction tx, ReplicaDefinition d, Dictionary<int, long> gens, long now)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO replicas(id, service, name, owner, created, last_sync, definition, gens) VALUES ($i, $s, $n, $o, $c, $c, $d, $g)";
        cmd.Parameters.AddWithValue("$i", d.Id);
        cmd.Parameters.AddWithValue("$s", d.Service);
        cmd.Parameters.AddWithValue("$n", d.Name);
        cmd.Parameters.AddWithValue("$o", d.Owner);
        cmd.Parameters.AddWithValue("$c", now);
        cmd.Parameters.AddWithValue("$d", d.Serialize());
        cmd.Parameters.AddWithValue("$g", SerializeGens(gens));
        cmd.ExecuteNonQuery();
    }

    public static void UpdateGens(SqliteConnection conn, SqliteTransaction tx, string id, Dictionary<int, long> gens, long now)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE replicas SET gens = $g, last_sync = $n WHERE id = $i";
        cmd.Parameters.AddWithValue("$g", SerializeGens(gens));
        cmd.Parameters.AddWithValue("$n", now);
        cmd.Parameters.AddWithValue("$i", id);
        cmd.ExecuteNonQuery();
    }

    public static bool Delete(SqliteConnection conn, SqliteTransaction tx, string service, string id)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM replicas WHERE service = $s AND id = $i";
        cmd.Parameters.AddWithValue("$s", service);
        cmd.Parameters.AddWithValue("$i", ReplicaDefinition.NormalizeId(id));
        return cmd.ExecuteNonQuery() > 0;
    }

    private static string SerializeGens(Dictionary<int, long> gens) =>
        JsonSerializer.Serialize(gens.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value));
}
