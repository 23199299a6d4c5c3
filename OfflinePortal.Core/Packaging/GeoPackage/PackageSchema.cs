using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// The package's own tables inside a feature GeoPackage (prefix <c>op_</c>, registered as the <c>op_offline</c>
/// extension): how tables map to service layers and fields, the relationship classes, and, for editable packages,
/// the replica, its generation numbers, and the change log fed by triggers. The sync task reads and writes these.
/// </summary>
public static class PackageSchema
{
    public const string ExtensionName = "op_offline";

    public const string ExtensionDefinition =
        "OfflinePortal offline package format v1: op_layers, op_fields, op_relationships; sync state op_replica, " +
        "op_layer_gens, op_control; change log op_changes fed by op_* triggers";

    public const string LayersTable = "op_layers";
    public const string FieldsTable = "op_fields";
    public const string RelationshipsTable = "op_relationships";
    public const string ReplicaTable = "op_replica";
    public const string LayerGensTable = "op_layer_gens";
    public const string ControlTable = "op_control";
    public const string ChangesTable = "op_changes";

    /// <summary>
    /// SQL that makes a new GlobalID in the ArcGIS form <c>{XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX}</c> (version 4).
    /// Used by the insert trigger for rows a device adds without one.
    /// </summary>
    public const string NewGlobalIdSql =
        "('{' || upper(hex(randomblob(4))) || '-' || upper(hex(randomblob(2))) || '-4' || " +
        "substr(upper(hex(randomblob(2))), 2) || '-' || substr('89AB', 1 + (abs(random()) % 4), 1) || " +
        "substr(upper(hex(randomblob(2))), 2) || '-' || upper(hex(randomblob(6))) || '}')";

    /// <summary>
    /// Sets or clears the flag that keeps the change-log triggers quiet while the sync task applies the server's
    /// delta. Call it inside the same transaction as the changes, so that a crash cannot leave logging switched off.
    /// </summary>
    public static void SetApplyingServerChanges(SqliteConnection connection, SqliteTransaction? transaction, bool applying)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{ControlTable}'";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            throw new InvalidOperationException("This GeoPackage has no change log (a noUpdates package).");
        }
        command.CommandText = $"UPDATE {ControlTable} SET applying_server_changes = $v WHERE id = 1";
        command.Parameters.AddWithValue("$v", applying ? 1 : 0);
        if (command.ExecuteNonQuery() != 1)
        {
            throw new InvalidOperationException("This GeoPackage has no change log (a noUpdates package).");
        }
    }

    internal static void CreateDescriptionTables(GeoPackageDatabase db)
    {
        db.Execute($"""
            CREATE TABLE {LayersTable} (
              layer_id INTEGER NOT NULL PRIMARY KEY,
              layer_name TEXT NOT NULL,
              table_name TEXT NOT NULL UNIQUE,
              kind TEXT NOT NULL,
              object_id_column TEXT NOT NULL,
              global_id_column TEXT,
              geometry_column TEXT,
              geometry_type TEXT,
              srs_id INTEGER,
              attachment_table TEXT,
              attachment_mapping_table TEXT,
              change_tracking INTEGER NOT NULL DEFAULT 0)
            """);
        db.Execute($"""
            CREATE TABLE {FieldsTable} (
              table_name TEXT NOT NULL,
              column_name TEXT NOT NULL,
              field_name TEXT NOT NULL,
              field_type TEXT NOT NULL,
              alias TEXT,
              length INTEGER,
              nullable INTEGER NOT NULL,
              editable INTEGER NOT NULL,
              domain TEXT,
              default_value TEXT,
              PRIMARY KEY (table_name, column_name))
            """);
        db.Execute($"""
            CREATE TABLE {RelationshipsTable} (
              relationship_id INTEGER NOT NULL PRIMARY KEY,
              name TEXT NOT NULL,
              origin_layer_id INTEGER NOT NULL,
              destination_layer_id INTEGER NOT NULL,
              origin_table TEXT NOT NULL,
              destination_table TEXT NOT NULL,
              origin_primary_key TEXT NOT NULL,
              origin_foreign_key TEXT NOT NULL,
              cardinality TEXT,
              composite INTEGER NOT NULL DEFAULT 0,
              mapping_table TEXT)
            """);
        foreach (var table in new[] { LayersTable, FieldsTable, RelationshipsTable })
        {
            db.AddExtension(table, null, ExtensionName, ExtensionDefinition, "read-write");
        }
    }

    internal static void CreateSyncTables(GeoPackageDatabase db)
    {
        db.Execute($"""
            CREATE TABLE {ReplicaTable} (
              id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
              service_url TEXT NOT NULL,
              replica_id TEXT NOT NULL,
              replica_name TEXT,
              sync_model TEXT NOT NULL,
              sync_direction TEXT NOT NULL,
              attachment_sync_direction TEXT NOT NULL,
              replica_server_gen INTEGER,
              created_utc DATETIME NOT NULL DEFAULT ({GeoPackageDatabase.SqlNow}),
              last_sync_utc DATETIME)
            """);
        db.Execute($"""
            CREATE TABLE {LayerGensTable} (
              layer_id INTEGER NOT NULL PRIMARY KEY,
              server_gen INTEGER,
              sync_direction TEXT)
            """);
        db.Execute($"""
            CREATE TABLE {ControlTable} (
              id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
              applying_server_changes INTEGER NOT NULL DEFAULT 0,
              change_seq INTEGER NOT NULL DEFAULT 0)
            """);
        db.Execute($"INSERT INTO {ControlTable} (id) VALUES (1)");
        db.Execute($"""
            CREATE TABLE {ChangesTable} (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              table_name TEXT NOT NULL,
              layer_id INTEGER NOT NULL,
              kind TEXT NOT NULL,
              global_id TEXT NOT NULL,
              operation TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
              seq INTEGER NOT NULL,
              changed_utc DATETIME NOT NULL,
              UNIQUE (table_name, global_id))
            """);
        foreach (var table in new[] { ReplicaTable, LayerGensTable, ControlTable, ChangesTable })
        {
            db.AddExtension(table, null, ExtensionName, ExtensionDefinition, "read-write");
        }
    }

    /// <summary>
    /// Creates the change-log triggers on a feature, attribute or attachment table. Collapsing rules, per GlobalID:
    /// insert then update stays insert; insert then delete leaves nothing; update then delete becomes delete;
    /// delete then insert (same GlobalID) becomes update. A row inserted without a GlobalID gets one first.
    /// Nothing is logged while <c>op_control.applying_server_changes</c> is 1.
    /// </summary>
    internal static void CreateChangeTriggers(GeoPackageDatabase db, SqliteTransaction transaction, string table, string primaryKey, string globalId, int layerId, string kind)
    {
        var t = PackageNames.QuoteIdentifier(table);
        var pk = PackageNames.QuoteIdentifier(primaryKey);
        var gid = PackageNames.QuoteIdentifier(globalId);
        var tLit = PackageNames.QuoteLiteral(table);
        var kindLit = PackageNames.QuoteLiteral(kind);
        var layer = layerId.ToString(CultureInfo.InvariantCulture);
        var logging = $"(SELECT applying_server_changes FROM {ControlTable} WHERE id = 1) = 0";
        var bump = $"UPDATE {ControlTable} SET change_seq = change_seq + 1 WHERE id = 1;";
        var seq = $"(SELECT change_seq FROM {ControlTable} WHERE id = 1)";
        var upsertTail = "ON CONFLICT (table_name, global_id) DO UPDATE SET ";

        db.Execute($"""
            CREATE TRIGGER {PackageNames.QuoteIdentifier("op_" + table + "_insert")} AFTER INSERT ON {t}
            BEGIN
              UPDATE {t} SET {gid} = {NewGlobalIdSql} WHERE {pk} = NEW.{pk} AND {gid} IS NULL;
              UPDATE {ControlTable} SET change_seq = change_seq + 1 WHERE id = 1 AND applying_server_changes = 0;
              INSERT INTO {ChangesTable} (table_name, layer_id, kind, global_id, operation, seq, changed_utc)
                SELECT {tLit}, {layer}, {kindLit}, r.{gid}, 'insert', c.change_seq, {GeoPackageDatabase.SqlNow}
                FROM {t} AS r, {ControlTable} AS c
                WHERE r.{pk} = NEW.{pk} AND r.{gid} IS NOT NULL AND c.id = 1 AND c.applying_server_changes = 0
                {upsertTail}operation = CASE WHEN operation = 'delete' THEN 'update' ELSE operation END,
                  seq = excluded.seq, changed_utc = excluded.changed_utc;
            END
            """, transaction);
        db.Execute($"""
            CREATE TRIGGER {PackageNames.QuoteIdentifier("op_" + table + "_update")} AFTER UPDATE ON {t}
            WHEN OLD.{gid} IS NOT NULL AND {logging}
            BEGIN
              {bump}
              INSERT INTO {ChangesTable} (table_name, layer_id, kind, global_id, operation, seq, changed_utc)
                VALUES ({tLit}, {layer}, {kindLit}, NEW.{gid}, 'update', {seq}, {GeoPackageDatabase.SqlNow})
                {upsertTail}operation = CASE WHEN operation = 'insert' THEN 'insert' ELSE 'update' END,
                  seq = excluded.seq, changed_utc = excluded.changed_utc;
            END
            """, transaction);
        db.Execute($"""
            CREATE TRIGGER {PackageNames.QuoteIdentifier("op_" + table + "_delete")} AFTER DELETE ON {t}
            WHEN OLD.{gid} IS NOT NULL AND {logging}
            BEGIN
              {bump}
              INSERT INTO {ChangesTable} (table_name, layer_id, kind, global_id, operation, seq, changed_utc)
                SELECT {tLit}, {layer}, {kindLit}, OLD.{gid}, 'delete', {seq}, {GeoPackageDatabase.SqlNow}
                WHERE NOT EXISTS (SELECT 1 FROM {ChangesTable}
                  WHERE table_name = {tLit} AND global_id = OLD.{gid} AND operation = 'insert')
                {upsertTail}operation = 'delete', seq = excluded.seq, changed_utc = excluded.changed_utc;
              DELETE FROM {ChangesTable} WHERE table_name = {tLit} AND global_id = OLD.{gid} AND operation = 'insert';
            END
            """, transaction);
    }
}
