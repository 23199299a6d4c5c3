using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

public sealed class SampleStoreTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory("sample-store");

    public void Dispose() => TestPaths.DeleteQuietly(_dir);

    private SampleStore NewStore(int hydrants = 2500) =>
        new(Options.Create(new SamplePortalOptions { DataDirectory = _dir, HydrantCount = hydrants }), null, NullLogger<SampleStore>.Instance, TimeProvider.System);

    private static long Scalar(SampleStore store, string sql)
    {
        using var conn = new SqliteConnection("Data Source=" + store.DatabasePath);
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task EnsureReady_NewFolder_GeneratesEveryLayerWithGlobalIds()
    {
        using var store = NewStore(500);
        await store.EnsureReadyAsync();

        Assert.Equal(500, Scalar(store, "SELECT COUNT(*) FROM hydrants"));
        Assert.Equal(500, Scalar(store, "SELECT COUNT(*) FROM inspections"));
        Assert.True(Scalar(store, "SELECT COUNT(*) FROM valves") > 0);
        Assert.True(Scalar(store, "SELECT COUNT(*) FROM mains") > 0);
        Assert.Equal(6, Scalar(store, "SELECT COUNT(*) FROM pressure_zones"));
        Assert.True(Scalar(store, "SELECT COUNT(*) FROM critical_customers") > 10);
        Assert.True(Scalar(store, "SELECT COUNT(*) FROM hydrants_attach") > 0);
        Assert.Equal(0, Scalar(store, "SELECT COUNT(*) FROM hydrants WHERE GlobalID NOT GLOB '{[0-9A-F]*-*-*-*-*}' OR length(GlobalID) <> 38"));
        Assert.Equal(0, Scalar(store, "SELECT COUNT(*) FROM inspections i WHERE NOT EXISTS (SELECT 1 FROM hydrants h WHERE h.GlobalID = i.HYDRANTGUID)"));
    }

    [Fact]
    public async Task EnsureReady_SameSettingsTwice_KeepsTheFileAndItsEdits()
    {
        using (var store = NewStore(100))
        {
            await store.EnsureReadyAsync();
        }
        using (var conn = new SqliteConnection("Data Source=" + Path.Combine(_dir, "sample-portal.db")))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "UPDATE hydrants SET ASSETID = 'KEPT' WHERE OBJECTID = 1";
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        using var again = NewStore(100);
        await again.EnsureReadyAsync();
        using var check = new SqliteConnection("Data Source=" + again.DatabasePath);
        check.Open();
        using var q = check.CreateCommand();
        q.CommandText = "SELECT ASSETID FROM hydrants WHERE OBJECTID = 1";
        Assert.Equal("KEPT", q.ExecuteScalar());
    }

    [Fact]
    public async Task EnsureReady_OtherHydrantCount_Regenerates()
    {
        using (var store = NewStore(100))
        {
            await store.EnsureReadyAsync();
        }
        SqliteConnection.ClearAllPools();
        using var bigger = NewStore(200);
        await bigger.EnsureReadyAsync();
        Assert.Equal(200, Scalar(bigger, "SELECT COUNT(*) FROM hydrants"));
    }

    [Fact]
    public async Task FeatureReader_Extent_ReturnsExactlyTheHydrantsInside()
    {
        using var store = NewStore();
        await store.EnsureReadyAsync();
        var reader = new SampleFeatureReader(store);
        var (x0, y0) = WebMercator.FromLonLat(-122.72, 42.18);
        var (x1, y1) = WebMercator.FromLonLat(-122.70, 42.20);
        var box = new Envelope(x0, x1, y0, y1);

        var read = new List<SampleFeature>();
        await foreach (var f in reader.ReadAsync("WaterNetwork", 0, box, CancellationToken.None))
        {
            read.Add(f);
        }

        var expected = Scalar(store, FormattableString.Invariant($"SELECT COUNT(*) FROM hydrants WHERE _X BETWEEN {x0} AND {x1} AND _Y BETWEEN {y0} AND {y1}"));
        Assert.True(read.Count > 0);
        Assert.Equal(expected, read.Count);
        Assert.All(read, f => Assert.True(box.Contains(f.Geometry.Coordinate)));
        Assert.Contains("STATUS", read[0].Attributes.Keys);
    }

    /// <summary>SHA-256 of every row of each table (in rowid order), by table name.</summary>
    private static Dictionary<string, string> TableDigests(string databasePath)
    {
        using var conn = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        conn.Open();
        var tables = new List<string>();
        using (var list = conn.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var r = list.ExecuteReader();
            while (r.Read())
            {
                tables.Add(r.GetString(0));
            }
        }
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{t}\" ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            long rows = 0;
            while (r.Read())
            {
                rows++;
                for (var i = 0; i < r.FieldCount; i++)
                {
                    var v = r.GetValue(i);
                    hash.AppendData(Encoding.UTF8.GetBytes(r.GetName(i) + "=" + (v is DBNull ? "null" : v.GetType().Name) + ":"));
                    hash.AppendData(v is byte[] b ? b : Encoding.UTF8.GetBytes(Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""));
                }
            }
            digests[t] = rows.ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToHexString(hash.GetHashAndReset());
        }
        return digests;
    }

    [Fact]
    public async Task Generate_SameSettingsIntoTwoFiles_GivesIdenticalRows()
    {
        var other = TestPaths.NewTempDirectory("sample-store-twin");
        try
        {
            using var first = NewStore(400);
            await first.EnsureReadyAsync();
            using var second = new SampleStore(Options.Create(new SamplePortalOptions { DataDirectory = other, HydrantCount = 400 }), null, NullLogger<SampleStore>.Instance, TimeProvider.System);
            await second.EnsureReadyAsync();
            Assert.NotEqual(first.DatabasePath, second.DatabasePath);

            var a = TableDigests(first.DatabasePath);
            var b = TableDigests(second.DatabasePath);

            Assert.Contains("hydrants", a.Keys);
            Assert.Contains("hydrants_attach", a.Keys);
            Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
            var differing = a.Keys.Where(k => a[k] != b[k]).ToList();
            Assert.True(differing.Count == 0, "tables that differ: " + string.Join(", ", differing));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestPaths.DeleteQuietly(other);
        }
    }

    [Fact]
    public async Task Generate_OtherHydrantCount_GivesOtherRows()
    {
        var other = TestPaths.NewTempDirectory("sample-store-other");
        try
        {
            using var first = NewStore(400);
            await first.EnsureReadyAsync();
            using var second = new SampleStore(Options.Create(new SamplePortalOptions { DataDirectory = other, HydrantCount = 401 }), null, NullLogger<SampleStore>.Instance, TimeProvider.System);
            await second.EnsureReadyAsync();
            Assert.NotEqual(TableDigests(first.DatabasePath)["hydrants"], TableDigests(second.DatabasePath)["hydrants"]);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestPaths.DeleteQuietly(other);
        }
    }
}
