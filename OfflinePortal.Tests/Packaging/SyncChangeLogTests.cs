using Microsoft.Data.Sqlite;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Tests.Infrastructure;
using static OfflinePortal.Tests.Packaging.PackagingSamples;

namespace OfflinePortal.Tests.Packaging;

/// <summary>Edits made with plain SQL, as a device would make them, and what the change log records.</summary>
public sealed class SyncChangeLogTests : IDisposable
{
    private const string NewPoint = "X'47500001110F000001010000000000000000002440000000000000F03F'"; // GPKG blob: POINT(10 1), srs 3857

    private readonly string _dir = TestPaths.NewTempDirectory("gpkg-sync");

    public void Dispose() => TestPaths.DeleteQuietly(_dir);

    private async Task<SqliteConnection> EditablePackageAsync()
    {
        var path = Path.Combine(_dir, "water.gpkg");
        await WriteServiceAsync(path, trackChanges: true);
        return FeatureGeoPackageWriterTests.Open(path);
    }

    [Fact]
    public async Task FreshPackage_HasReplicaAndEmptyLog()
    {
        using var db = await EditablePackageAsync();
        Assert.Empty(Changes(db));
        Assert.Equal("https://example.test/arcgis/rest/services/Water/FeatureServer|{AAAAAAAA-0000-4000-8000-000000000001}|perLayer|bidirectional|bidirectional",
            Scalar(db, "SELECT service_url || '|' || replica_id || '|' || sync_model || '|' || sync_direction || '|' || attachment_sync_direction FROM op_replica"));
        Assert.Equal("1001,1001,1001,1001", Scalar(db, "SELECT group_concat(server_gen) FROM (SELECT server_gen FROM op_layer_gens ORDER BY layer_id)"));
    }

    [Fact]
    public async Task Update_ThenDelete_CollapsesToDelete()
    {
        using var db = await EditablePackageAsync();
        Exec(db, "UPDATE Hydrants SET Status = 2 WHERE OBJECTID = 3");
        Assert.Equal([("Hydrants", HydrantGlobalId(3), "update")], Changes(db));
        Exec(db, "UPDATE Hydrants SET Pressure = 1 WHERE OBJECTID = 3");
        Assert.Single(Changes(db));
        Exec(db, "DELETE FROM Hydrants WHERE OBJECTID = 3");
        Assert.Equal([("Hydrants", HydrantGlobalId(3), "delete")], Changes(db));
    }

    [Fact]
    public async Task Insert_WithoutGlobalId_GetsOne_AndInsertThenUpdateStaysInsert()
    {
        using var db = await EditablePackageAsync();
        Exec(db, $"INSERT INTO Hydrants (FacilityID, Status, SHAPE) VALUES ('H-NEW', 1, {NewPoint})");
        var gid = Scalar(db, "SELECT GlobalID FROM Hydrants WHERE FacilityID = 'H-NEW'");
        Assert.Matches("^\\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\\}$", gid);
        Exec(db, "UPDATE Hydrants SET Status = 3 WHERE FacilityID = 'H-NEW'");
        Assert.Equal([("Hydrants", gid, "insert")], Changes(db));
        // the R-tree triggers ran too: the new point is indexed
        Assert.Equal("1", Scalar(db, "SELECT count(*) FROM rtree_Hydrants_SHAPE WHERE minx = 10 AND miny = 1"));
    }

    [Fact]
    public async Task Insert_ThenDelete_LeavesNothingToUpload()
    {
        using var db = await EditablePackageAsync();
        Exec(db, "INSERT INTO Inspections (GlobalID, HydrantGUID, Result) VALUES ('{99999999-0000-4000-8000-000000000001}', NULL, 'new')");
        Assert.Single(Changes(db));
        Exec(db, "DELETE FROM Inspections WHERE GlobalID = '{99999999-0000-4000-8000-000000000001}'");
        Assert.Empty(Changes(db));
    }

    [Fact]
    public async Task Attachments_AreLoggedAsAttachmentChanges()
    {
        using var db = await EditablePackageAsync();
        Exec(db, $"INSERT INTO Hydrants__ATTACH (data, content_type, REL_GLOBALID, ATT_NAME) VALUES (X'0102', 'image/png', '{HydrantGlobalId(2)}', 'new.png')");
        Exec(db, "DELETE FROM Hydrants__ATTACH WHERE ATTACHMENTID = 7");
        var changes = Changes(db);
        Assert.Equal(2, changes.Count);
        Assert.Contains(("Hydrants__ATTACH", "{40000000-0000-4000-8000-000000000001}", "delete"), changes);
        Assert.Contains(changes, c => c.Table == "Hydrants__ATTACH" && c.Operation == "insert");
        Assert.Equal("attachment,0", Scalar(db, "SELECT DISTINCT kind || ',' || layer_id FROM op_changes"));
    }

    [Fact]
    public async Task ApplyingServerChanges_LogsNothing_AndSequenceOrdersEdits()
    {
        using var db = await EditablePackageAsync();
        using (var transaction = db.BeginTransaction())
        {
            PackageSchema.SetApplyingServerChanges(db, transaction, applying: true);
            Exec(db, "UPDATE Hydrants SET Status = 2 WHERE OBJECTID = 1", transaction);
            Exec(db, "DELETE FROM Hydrants WHERE OBJECTID = 2", transaction);
            Exec(db, "INSERT INTO Hydrants (GlobalID, FacilityID) VALUES ('{88888888-0000-4000-8000-000000000001}', 'server')", transaction);
            PackageSchema.SetApplyingServerChanges(db, transaction, applying: false);
            transaction.Commit();
        }
        Assert.Empty(Changes(db));

        Exec(db, "UPDATE Inspections SET Result = 'x' WHERE OBJECTID = 2");
        Exec(db, "UPDATE Hydrants SET Status = 1 WHERE OBJECTID = 4");
        Exec(db, "UPDATE Inspections SET Result = 'y' WHERE OBJECTID = 2");
        Assert.Equal("Hydrants,Inspections", Scalar(db, "SELECT group_concat(table_name) FROM (SELECT table_name FROM op_changes ORDER BY seq)"));
    }

    [Fact]
    public async Task NoUpdatesPackage_HasNoTriggersNoReplicaNoLog()
    {
        var path = Path.Combine(_dir, "readonly.gpkg");
        await WriteServiceAsync(path, trackChanges: false);
        using var db = FeatureGeoPackageWriterTests.Open(path);
        Assert.Equal("0", Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'op\\_%' ESCAPE '\\'"));
        Assert.Equal("0", Scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('op_replica', 'op_changes', 'op_layer_gens', 'op_control')"));
        Assert.Throws<InvalidOperationException>(() => PackageSchema.SetApplyingServerChanges(db, null, true));
        Assert.NotEqual("0", Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree%'"));
    }

    [Fact]
    public async Task DeviceEdits_ThroughGdal_AreLoggedAndStillValid()
    {
        var path = Path.Combine(_dir, "water.gpkg");
        await WriteServiceAsync(path, trackChanges: true);
        GdalTools.OgrInfoText("-q", path, "-sql", "UPDATE Hydrants SET Status = 3 WHERE OBJECTID = 5");
        GdalTools.OgrInfoText("-q", path, "-sql", "DELETE FROM Inspections WHERE OBJECTID = 1");
        GdalTools.AssertValidGeoPackage(path);
        using var db = FeatureGeoPackageWriterTests.Open(path);
        Assert.Equal([("Hydrants", HydrantGlobalId(5), "update"), ("Inspections", "{10000000-0000-4000-8000-000000000001}", "delete")], Changes(db));
    }

    private static List<(string Table, string GlobalId, string Operation)> Changes(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = "SELECT table_name, global_id, operation FROM op_changes ORDER BY seq";
        using var reader = command.ExecuteReader();
        var result = new List<(string, string, string)>();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        return result;
    }

    private static void Exec(SqliteConnection db, string sql, SqliteTransaction? transaction = null)
    {
        using var command = db.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
